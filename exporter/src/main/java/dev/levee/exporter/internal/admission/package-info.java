/**
 * Stage 2 of the data path, the door: what the application hands over meets, in order, the
 * {@link dev.levee.exporter.internal.admission.Stage} (Levee's processors leave items there on the
 * application's thread; the dispatcher thread takes them), then {@code Door} (compaction, priority
 * split, encoding, rate limit) and {@code Intake} (write-ahead, memory, overflow policies) inside
 * {@code export()}, on whichever thread calls it. Next: {@code dispatch}.
 *
 * <p>Internal, may change.
 */
package dev.levee.exporter.internal.admission;
