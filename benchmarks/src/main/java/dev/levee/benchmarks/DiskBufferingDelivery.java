package dev.levee.benchmarks;

import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * System B of the side-by-side run: the upstream {@code BatchSpanProcessor} (defaults) in front of
 * opentelemetry-java-contrib disk-buffering's {@code SpanToDiskExporter}, and a reader thread that
 * takes stored batches from the same {@code FileSpanStorage} and exports them with the upstream
 * {@code OtlpGrpcSpanExporter} (defaults): the write-to-disk, read-back, export path the module's
 * README describes. A batch whose export fails is retried, after a second, until it is delivered,
 * and deleted only then. Shutting the exporter down stops the reader too; what is left on disk is
 * counted as kept, as Levee's journal backlog is.
 *
 * <p>Storage settings are the module's defaults (1 MB files, readable once full or 30 s old) except
 * the folder cap, set to Levee's default {@code journal.limit} (1 GiB; the module's default of 10 MB
 * would hold a few seconds of this traffic).
 *
 * <p>disk-buffering is not served by the Maven repository this project builds from, so it is
 * loaded by reflection from the classpath given to the harness ({@code --disk-buffering}), parent
 * first so that it shares the SDK's classes with the spans it is handed.
 */
final class DiskBufferingDelivery implements DeliverySideBySide.System_ {
  private static final String STORAGE = "io.opentelemetry.contrib.disk.buffering.storage.impl.";
  private static final int FOLDER_CAP = 1 << 30;

  private final Method configurationBuilder;
  private final Class<?> builderClass;
  private final Method createStorage;
  private final Method iterator;
  private final Method close;
  private final Method toDiskBuilder;
  private final Class<?> toDiskBuilderClass;

  DiskBufferingDelivery(String classpath) throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    ClassLoader loader =
        new URLClassLoader(
            "disk-buffering", urls.toArray(new URL[0]), DiskBufferingDelivery.class.getClassLoader());
    Class<?> configurationClass = loader.loadClass(STORAGE + "FileStorageConfiguration");
    Class<?> storageClass = loader.loadClass(STORAGE + "FileSpanStorage");
    Class<?> signalStorageSpan =
        loader.loadClass("io.opentelemetry.contrib.disk.buffering.storage.SignalStorage$Span");
    Class<?> toDisk =
        loader.loadClass("io.opentelemetry.contrib.disk.buffering.exporters.SpanToDiskExporter");
    configurationBuilder = configurationClass.getMethod("builder");
    builderClass = loader.loadClass(STORAGE + "FileStorageConfiguration$Builder");
    createStorage = storageClass.getMethod("create", File.class, configurationClass);
    iterator = storageClass.getMethod("iterator");
    close = storageClass.getMethod("close");
    toDiskBuilder = toDisk.getMethod("builder", signalStorageSpan);
    toDiskBuilderClass = toDiskBuilder.getReturnType();
  }

  @Override
  public String name() {
    return "B: upstream + disk-buffering";
  }

  @Override
  public SpanExporter exporter(String endpoint) {
    try {
      return new Exporter(ScratchDirectories.create("diskbuffering-delivery-bench").toFile(), endpoint);
    } catch (Exception e) {
      throw new IllegalStateException("disk-buffering could not be set up", e);
    }
  }

  @Override
  public SpanProcessor processor(SpanExporter exporter) {
    return BatchSpanProcessor.builder(exporter).build();
  }

  private Object configuration() throws Exception {
    Object builder = configurationBuilder.invoke(null);
    builder = builderClass.getMethod("setMaxFolderSize", int.class).invoke(builder, FOLDER_CAP);
    builder = builderClass.getMethod("setDeleteItemsOnIteration", boolean.class).invoke(builder, false);
    return builderClass.getMethod("build").invoke(builder);
  }

  /**
   * What B leaves on disk once its reader is stopped: spans written but not yet delivered (the
   * harness counts them as kept, as it does Levee's journal backlog).
   */
  interface Backlog {
    long stopAndCountKept() throws Exception;

    /** Spans written to disk and not yet delivered by the reader. */
    long pending();
  }

  /** The processor's exporter: writes to disk; its reader thread delivers from disk. */
  private final class Exporter implements SpanExporter, Backlog {
    private final File directory;
    private final Object storage;
    private final SpanExporter toDisk;
    private final OtlpGrpcSpanExporter upstream;
    private final AtomicBoolean reading = new AtomicBoolean(true);
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final Thread reader;

    Exporter(File directory, String endpoint) throws Exception {
      this.directory = directory;
      storage = createStorage.invoke(null, directory, configuration());
      Object builder = toDiskBuilder.invoke(null, storage);
      toDisk = (SpanExporter) toDiskBuilderClass.getMethod("build").invoke(builder);
      upstream = OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).build();
      reader = new Thread(this::readAndExport, "disk-buffering-reader");
      reader.setDaemon(true);
      reader.start();
    }

    @SuppressWarnings("unchecked")
    private void readAndExport() {
      try {
        Iterator<Collection<SpanData>> stored =
            (Iterator<Collection<SpanData>>) iterator.invoke(storage);
        while (reading.get()) {
          Collection<SpanData> batch = stored.hasNext() ? stored.next() : null;
          if (batch == null) {
            Thread.sleep(20); // nothing readable yet: a file becomes readable when full or 30 s old
            continue;
          }
          while (reading.get()) {
            CompletableResultCode result = upstream.export(batch).join(30, TimeUnit.SECONDS);
            if (result.isSuccess()) {
              stored.remove();
              delivered.addAndGet(batch.size());
              break;
            }
            Thread.sleep(1000);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        throw new IllegalStateException("disk-buffering's reader failed", e);
      }
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      CompletableResultCode result = toDisk.export(spans);
      if (result.isSuccess()) {
        written.addAndGet(spans.size());
      }
      return result;
    }

    @Override
    public long pending() {
      return written.get() - delivered.get();
    }

    @Override
    public CompletableResultCode flush() {
      return toDisk.flush();
    }

    /**
     * Stops writing and reading, as Levee stops delivering when the SDK shuts it down: what is
     * still on disk then is counted as kept ({@link #stopAndCountKept}).
     */
    @Override
    public CompletableResultCode shutdown() {
      CompletableResultCode written = toDisk.shutdown();
      reading.set(false);
      try {
        reader.join(TimeUnit.SECONDS.toMillis(60));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return written;
    }

    @Override
    @SuppressWarnings("unchecked")
    public long stopAndCountKept() throws Exception {
      shutdown();
      upstream.shutdown().join(10, TimeUnit.SECONDS);
      close.invoke(storage); // makes the file being written readable to the next storage
      Object leftover = createStorage.invoke(null, directory, configuration());
      long kept = 0;
      Iterator<Collection<SpanData>> stored =
          (Iterator<Collection<SpanData>>) iterator.invoke(leftover);
      while (stored.hasNext()) {
        Collection<SpanData> batch = stored.next();
        if (batch == null) {
          break;
        }
        kept += batch.size();
        stored.remove();
      }
      close.invoke(leftover);
      return kept;
    }
  }
}
