/**
 * Stage 4 of the data path, flow control: whether a request may go now and how large, and how
 * many may be in flight. The circuit breaker per endpoint, the rate limiter, the adaptive request
 * size and concurrency (AIMD), retry backoff, and the sleeper every wait goes through. All on an
 * injected clock. Used by {@code dispatch}.
 *
 * <p>Internal, may change.
 */
package dev.levee.exporter.internal.flow;
