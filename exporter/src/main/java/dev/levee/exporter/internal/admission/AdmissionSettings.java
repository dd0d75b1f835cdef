package dev.levee.exporter.internal.admission;

import dev.levee.exporter.internal.flow.RateLimiter;
import java.time.Duration;

/**
 * How the door admits data: the rate limit, and what happens when memory is full. Whether every
 * chunk goes to the journal first is the journal's mode ({@link DoorState#journalOpened}).
 * Internal, may change.
 *
 * @param rateLimit the signal's rate limit
 * @param overflowPolicy what {@code export()} does when memory is full
 * @param blockTimeout with {@link OverflowPolicy#BLOCK}, the longest wait for room
 * @param downsampleRatio with {@link OverflowPolicy#DOWNSAMPLE}, one trace in this many is kept
 */
public record AdmissionSettings(
    RateLimiter.Settings rateLimit,
    OverflowPolicy overflowPolicy,
    Duration blockTimeout,
    int downsampleRatio) {}
