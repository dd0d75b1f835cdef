/**
 * Stage 5 of the data path: a request's bytes on the wire. {@code Sender} is the one interface
 * the dispatcher sees; {@code GrpcSender} sends the merged chunks as a raw-bytes unary gRPC call
 * and maps the answer to a {@code SendOutcome} (partial success and the server's {@code
 * RetryInfo} read from it); {@code Endpoints} holds the endpoints, each with its breaker.
 *
 * <p>Internal, may change.
 */
package dev.levee.exporter.internal.transport;
