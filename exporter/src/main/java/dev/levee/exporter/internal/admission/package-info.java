/**
 * Stage 2 of the data path, the door: what an encoded chunk meets before the memory tier takes it
 * (rate limit, overflow policy, priority lane, sampling), on the SDK's export thread. Today the
 * overflow policies are named here and the stages themselves still run in {@code Pipeline}. Next:
 * {@code dispatch}.
 *
 * <p>Internal, may change.
 */
package dev.levee.exporter.internal.admission;
