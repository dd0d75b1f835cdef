/**
 * Stage 3 of the data path: one dispatcher thread per signal (and per endpoint with fan-out)
 * takes chunks from memory and the journal's backlog, merges them into requests, sends them and
 * settles each outcome (delivered, rejected, retried, journaled). It asks {@code flow} whether and
 * how much to send, and hands requests to {@code transport}.
 *
 * <p>Internal, may change.
 */
package dev.levee.exporter.internal.dispatch;
