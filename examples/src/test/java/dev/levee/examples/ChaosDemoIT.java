package dev.levee.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos demo, shortened: the app under the real agent sends through Levee while the real
 * receiver is stopped and started again on the same port; nothing is lost, the progress lines
 * show the outage, and the chart files are written.
 */
class ChaosDemoIT {
  @TempDir Path out;

  @Test
  void aReceiverOutageLosesNothingAndTheChartIsDrawn() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream console = System.out;
    int exit;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      exit =
          new Chaos(
                  Map.of(
                      "rate", "1000",
                      "seconds", "12",
                      "down-at", "3",
                      "down-for", "6",
                      "memory", "256KiB",
                      "out", out.toString()),
                  Path.of(System.getProperty("levee.agent.jar")),
                  Path.of(System.getProperty("levee.extension.jar")),
                  Path.of(System.getProperty("levee.examples.jar")))
              .run();
    } finally {
      System.setOut(console);
    }
    String output = printed.toString(StandardCharsets.UTF_8);
    console.println(output);

    assertThat(exit).as(output).isZero();
    assertThat(output)
        .contains("-- receiver DOWN")
        .contains("-- receiver UP again on the same port")
        .contains("Levee's accounting for spans: offered=12000 delivered=12000 dropped=0 pending=0")
        .contains("OK: the receiver was down for 6 s and every span offered arrived");
    // While the receiver was down, memory (256 KiB) overflowed to the journal.
    assertThat(output.lines().filter(line -> line.contains("receiver=DOWN")))
        .anySatisfy(line -> assertThat(line).doesNotContain("journaled=     0"));

    assertThat(ImageIO.read(out.resolve("chaos.png").toFile()).getWidth()).isEqualTo(1100);
    assertThat(Files.readString(out.resolve("chaos.html")))
        .contains("data:image/png;base64,")
        .contains("<td>DOWN</td>");
  }
}
