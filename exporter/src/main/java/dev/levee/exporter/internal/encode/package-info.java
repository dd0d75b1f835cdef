/**
 * Stage 1 of the data path: a batch from the SDK becomes one {@code Chunk}, the exact bytes of an
 * OTLP export request. {@code ChunkEncoder} runs on the SDK's export thread; the request writers
 * write spans, metric data and log records in one backward pass from the SDK's public data
 * interfaces ({@code RunningSdk} says what the running SDK adds); {@code MetricCompactor} holds
 * only the newest point of each cumulative stream while delivery is behind. Next: {@code
 * admission}.
 *
 * <p>Internal, may change.
 */
package dev.levee.exporter.internal.encode;
