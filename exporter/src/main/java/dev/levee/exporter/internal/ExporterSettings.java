package dev.levee.exporter.internal;

import dev.levee.exporter.internal.admission.AdmissionSettings;
import dev.levee.exporter.internal.dispatch.BatchSettings;
import dev.levee.exporter.internal.flow.Breaker;
import dev.levee.exporter.internal.management.AdminSettings;
import dev.levee.exporter.internal.transport.TransportSettings;
import io.opentelemetry.sdk.common.Clock;
import java.time.Duration;

/**
 * The validated settings of one exporter, one small record per stage; the defaults live in {@link
 * dev.levee.exporter.LeveeExporterBuilder}. Immutable; {@link #toString()} redacts header values
 * and key material.
 *
 * <p>Internal, may change.
 *
 * @param transport how the backends are reached
 * @param memoryLimitBytes the bound on the memory tier
 * @param bufferProvider the name of the memory tier's {@code BufferProvider}
 * @param admission the rate limit and what happens when memory is full
 * @param batch how requests are built and sent
 * @param breaker each endpoint's circuit breaker
 * @param journal whether and how data is kept on disk
 * @param admin the admin endpoint
 * @param shutdownTimeout how long shutdown may try to deliver what is left
 * @param clock time source for everything timed
 */
public record ExporterSettings(
    TransportSettings transport,
    long memoryLimitBytes,
    String bufferProvider,
    AdmissionSettings admission,
    BatchSettings batch,
    Breaker.Settings breaker,
    JournalSetup journal,
    AdminSettings admin,
    Duration shutdownTimeout,
    Clock clock) {

  @Override
  public String toString() {
    return "ExporterSettings{"
        + transport
        + ", memoryLimitBytes="
        + memoryLimitBytes
        + ", bufferProvider="
        + bufferProvider
        + ", admission="
        + admission
        + ", batch="
        + batch
        + ", breaker="
        + breaker
        + ", journal="
        + journal
        + ", admin="
        + admin
        + ", shutdownTimeout="
        + shutdownTimeout
        + "}";
  }
}
