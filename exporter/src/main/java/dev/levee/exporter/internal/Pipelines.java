package dev.levee.exporter.internal;

import dev.levee.buffer.BufferProvider;
import dev.levee.buffer.BufferProviders;
import dev.levee.buffer.BufferSettings;
import dev.levee.buffer.ChunkBuffer;
import dev.levee.buffer.Signal;
import dev.levee.exporter.internal.admission.OverflowPolicy;
import dev.levee.exporter.internal.encode.ChunkEncoder;
import dev.levee.exporter.internal.transport.Endpoints;
import dev.levee.exporter.internal.transport.LazySender;
import dev.levee.exporter.internal.transport.Protocol;
import dev.levee.exporter.internal.transport.Sender;
import dev.levee.exporter.internal.transport.TransportSettings;
import dev.levee.exporter.internal.transport.Transports;
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
  private static final java.util.logging.Logger logger =
      java.util.logging.Logger.getLogger(Pipelines.class.getName());

  private Pipelines() {}

  public static <T> List<Pipeline<T>> build(ChunkEncoder<T> encoder, ExporterSettings settings) {
    TransportSettings transport = settings.transport();
    List<URI> targets = transport.endpoints();
    boolean fanout = transport.mode() == Endpoints.Mode.FANOUT && targets.size() > 1;
    warnIfMemoryIsSmallerThanARequest(encoder.signal(), settings, fanout ? targets.size() : 1);
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

  /**
   * One WARN line when the memory tier (each endpoint's share with fanout) cannot hold one request
   * of {@code batch.min.size}: Levee would not fail, but it would spill or drop most of what a
   * healthy backend could take. Names the smallest {@code memory.limit} that holds one.
   */
  static void warnIfMemoryIsSmallerThanARequest(Signal signal, ExporterSettings settings, int shares) {
    long share = Math.max(1, settings.memoryLimitBytes() / shares);
    long request = settings.batch().minBatchBytes();
    if (share >= request) {
      return;
    }
    logger.warning(
        "Levee's memory for "
            + signal.itemNoun()
            + " ("
            + settings.memoryLimitBytes()
            + " bytes"
            + (shares > 1 ? " shared by " + shares + " fanout endpoints" : "")
            + ", otel.exporter.levee.memory.limit) is smaller than one request ("
            + request
            + " bytes, otel.exporter.levee.batch.min.size): much of what the backend could take"
            + " will be journaled or dropped. Set otel.exporter.levee.memory.limit to at least "
            + request * shares
            + " bytes, or lower batch.min.size.");
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
      String authority = TransportSettings.authority(target);
      LazySender sender =
          transport.protocol() == Protocol.GRPC
              ? new LazySender(authority, () -> Transports.grpc(signal, transport, target))
              : new LazySender(authority, () -> Transports.http(transport, target));
      if (Transports.quickToSetUp(transport)) {
        sender.prepare(); // at once, in the background: see LazySender
      }
      senders.add(sender);
    }
    return new Pipeline<>(encoder, buffer, priorityBuffer, senders, settings);
  }
}
