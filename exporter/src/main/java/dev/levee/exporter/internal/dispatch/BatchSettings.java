package dev.levee.exporter.internal.dispatch;

import java.time.Duration;

/**
 * How the dispatcher builds and sends requests. Internal, may change.
 *
 * @param maxBatchBytes the largest request built from several chunks
 * @param minBatchBytes the smallest request size the adaptive size goes down to
 * @param targetLatency the request latency the adaptive size and concurrency aim under
 * @param linger how long a request smaller than the adaptive size waits for more data
 * @param maxConcurrency the most requests in flight at once
 * @param retryMaxElapsed without a journal, how long a request is retried; zero: without limit
 */
public record BatchSettings(
    long maxBatchBytes,
    long minBatchBytes,
    Duration targetLatency,
    Duration linger,
    int maxConcurrency,
    Duration retryMaxElapsed) {}
