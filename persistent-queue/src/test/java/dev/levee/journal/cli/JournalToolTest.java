package dev.levee.journal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.levee.buffer.Chunk;
import dev.levee.buffer.Signal;
import dev.levee.journal.FsyncPolicy;
import dev.levee.journal.Journal;
import dev.levee.journal.JournalSettings;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalToolTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return JournalTool.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private void writeSpans(String... names) throws Exception {
    try (Journal journal =
        Journal.open(
            JournalSettings.defaults(dir.resolve("traces"), Signal.SPANS).withFsync(FsyncPolicy.NONE))) {
      long at = 1_763_892_000_000_000_000L;
      for (String name : names) {
        byte[] request =
            ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(
                    ResourceSpans.newBuilder()
                        .addScopeSpans(ScopeSpans.newBuilder().addSpans(Span.newBuilder().setName(name))))
                .build()
                .toByteArray();
        journal.append(Chunk.of(Signal.SPANS, request, 1, false, at));
        at += 60_000_000_000L;
      }
    }
  }

  @Test
  void statsCountsRecordsAndItems() throws Exception {
    writeSpans("a", "b");
    assertThat(run("journal", "stats", dir.toString())).isZero();
    assertThat(out())
        .startsWith("traces: records=2 ")
        .contains(" spans=2 files=1 oldest=2025-11-23T10:00:00Z newest=2025-11-23T10:01:00Z corrupt_records=0");
    assertThat(out()).doesNotContain("cursor");
  }

  @Test
  void statsListsSpillFilesLeftBesideTheJournal() throws Exception {
    writeSpans("a");
    Files.write(dir.resolve("traces").resolve("levee-spill-4242-1764900000000.spill"), new byte[1234]);
    Files.writeString(dir.resolve("traces").resolve("notes.txt"), "not a spill file");
    assertThat(run("journal", "stats", dir.toString())).isZero();
    assertThat(out().lines())
        .contains(
            "  spill file levee-spill-4242-1764900000000.spill: bytes=1234 (moved into the journal at"
                + " the exporter's next start)")
        .noneMatch(line -> line.contains("notes.txt"));
  }

  @Test
  void dumpWritesOtlpJsonLinesWithinTheTimeRange() throws Exception {
    writeSpans("first", "second", "third");
    assertThat(
            run("journal", "dump", dir.toString(), "--from", "2025-11-23T10:00:30Z", "--limit", "1"))
        .isZero();
    assertThat(out().lines()).singleElement().asString()
        .startsWith("{\"signal\":\"traces\",\"index\":")
        .contains("\"acceptedAt\":\"2025-11-23T10:01:00Z\",\"items\":1,\"priority\":false,\"request\":{\"resourceSpans\":")
        .contains("\"name\":\"second\"");
  }

  @Test
  void verifyFailsOnADamagedRecord() throws Exception {
    writeSpans("intact", "DAMAGED");
    Path file;
    try (Stream<Path> files = Files.list(dir.resolve("traces"))) {
      file = files.filter(f -> f.toString().endsWith(".cq4")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    bytes[text.indexOf("DAMAGED")] = 'X';
    Files.write(file, bytes);

    assertThat(run("journal", "verify", dir.toString())).isEqualTo(1);
    assertThat(out()).contains("traces: 1 records intact, 1 damaged");
  }

  @Test
  void badUsageSaysHowAndExitsWithTwo() {
    assertThat(run("journal", "stats")).isEqualTo(2);
    assertThat(run("journal", "stats", dir.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("No journal found in " + dir);
  }
}
