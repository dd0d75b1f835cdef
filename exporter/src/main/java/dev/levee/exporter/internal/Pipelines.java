package dev.levee.exporter.internal;

import dev.levee.buffer.BufferProvider;
import dev.levee.buffer.BufferProviders;
import dev.levee.buffer.BufferSettings;
import dev.levee.buffer.ChunkBuffer;
import dev.levee.buffer.Signal;
import dev.levee.exporter.internal.admission.OverflowPolicy;
import dev.levee.exporter.internal.encode.ChunkEncoder;
import dev.levee.exporter.internal.transport.Endpoints;
import dev.levee.exporter.internal.transport.GrpcSender;
import dev.levee.exporter.internal.transport.LazySender;
import dev.levee.exporter.internal.transport.Sender;
import dev.levee.exporter.internal.transport.TransportSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds an exporter's pipelines from its settings: one, or with {@code endpoints.mode=fanout} over
 * several endpoints one per endpoint, each with an equal share of the memory and journal limits
 * and a journal of its own. Internal, may change.
 */
public final class Pipelines {
  private Pipelines() {}

  public static <T> List<Pipeline<T>> build(ChunkEncoder<T> encoder, ExporterSettings settings) {
    TransportSettings transport = settings.transport();
    List<URI> targets = transport.endpoints();
    if (transport.mode() != Endpoints.Mode.FANOUT || targets.size() < 2) {
      Endpoints.Mode mode =
          transport.mode() == Endpoints.Mode.FANOUT ? Endpoints.Mode.FAILOVER : transport.mode();
      return List.of(pipeline(encoder, share(settings, transport.to(targets, mode), 1)));
    }
    List<Pipeline<T>> pipelines = new ArrayList<>();
    try {
      for (URI target : targets) {
        TransportSettings one = transport.to(List.of(target), Endpoints.Mode.FANOUT);
        pipelines.add(pipeline(encoder, share(settings, one, targets.size())));
      }
    } catch (RuntimeException e) {
      pipelines.forEach(Pipeline::shutdown); // the threads of those already started
      throw e;
    }
    return pipelines;
  }

  /** One of {@code count} endpoints' share: its transport, memory, journal cap and directory. */
  private static ExporterSettings share(ExporterSettings settings, TransportSettings transport, int count) {
    if (count == 1) {
      return withTransport(settings, transport, settings.memoryLimitBytes(), settings.journal());
    }
    JournalSetup journal = settings.journal();
    Path directory =
        journal.directory() == null
            ? null
            : journal
                .directory()
                .resolve("fanout")
                .resolve(
                    TransportSettings.authority(transport.endpoint())
                        .replaceAll("[^A-Za-z0-9._-]", "_"));
    return withTransport(
        settings,
        transport,
        Math.max(1, settings.memoryLimitBytes() / count),
        journal.share(directory, Math.max(1, journal.limitBytes() / count)));
  }

  private static ExporterSettings withTransport(
      ExporterSettings settings, TransportSettings transport, long memoryLimitBytes, JournalSetup journal) {
    return new ExporterSettings(
        transport,
        memoryLimitBytes,
        settings.bufferProvider(),
        settings.admission(),
        settings.batch(),
        settings.breaker(),
        journal,
        settings.admin(),
        settings.shutdownTimeout(),
        settings.clock());
  }

  private static <T> Pipeline<T> pipeline(ChunkEncoder<T> encoder, ExporterSettings settings) {
    Signal signal = encoder.signal();
    long memory = settings.memoryLimitBytes();
    BufferProvider provider =
        BufferProviders.find(settings.bufferProvider(), Pipelines.class.getClassLoader());
    ChunkBuffer buffer;
    ChunkBuffer priorityBuffer = null;
    if (settings.admission().overflowPolicy() == OverflowPolicy.PRIORITY && signal != Signal.METRICS) {
      // A quarter of the memory is kept for the priority lane.
      long lane = Math.max(1, memory / 4);
      priorityBuffer = provider.create(new BufferSettings(signal, lane));
      buffer = provider.create(new BufferSettings(signal, Math.max(1, memory - lane)));
    } else {
      buffer = provider.create(new BufferSettings(signal, memory));
    }
    TransportSettings transport = settings.transport();
    List<Sender> senders = new ArrayList<>();
    for (URI target : transport.endpoints()) {
      senders.add(
          new LazySender(
              TransportSettings.authority(target), () -> GrpcSender.create(signal, transport, target)));
    }
    return new Pipeline<>(encoder, buffer, priorityBuffer, senders, settings);
  }
}
