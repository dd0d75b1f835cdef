/**
 * Beside every stage: what Levee tells about itself. Counters ({@code PipelineStats}), health
 * with reasons, listeners, the periodic drop log, throttled logging, the JMX bean and the admin
 * endpoint. Read from the data path's counters; never on its hot path.
 *
 * <p>Internal, may change.
 */
package dev.levee.exporter.internal.management;
