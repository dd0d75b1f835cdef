package dev.levee.examples;

import dev.levee.examples.Chaos.Plan;
import dev.levee.examples.Chaos.Sample;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Draws the chaos demo's series with Java2D (headless): items over time on top (offered,
 * delivered, pending, journaled, dropped), Levee's memory below, the receiver's outage shaded and
 * the breaker's state as a band. Writes a PNG and a self-contained HTML page (the PNG inline, and
 * the samples as a table).
 */
final class ChaosChart {
  private static final int WIDTH = 1100;
  private static final int HEIGHT = 640;
  private static final int LEFT = 90;
  private static final int RIGHT = 30;
  private static final int TOP = 60;
  private static final int ITEMS_HEIGHT = 340;
  private static final int BAND_TOP = TOP + ITEMS_HEIGHT + 18;
  private static final int BAND_HEIGHT = 16;
  private static final int MEMORY_TOP = BAND_TOP + BAND_HEIGHT + 26;
  private static final int MEMORY_HEIGHT = 110;

  private static final Color OFFERED = new Color(0x80, 0x80, 0x80);
  private static final Color DELIVERED = new Color(0x1b, 0x9e, 0x4b);
  private static final Color PENDING = new Color(0xe6, 0x7e, 0x22);
  private static final Color JOURNALED = new Color(0x2c, 0x6f, 0xbb);
  private static final Color DROPPED = new Color(0xd6, 0x27, 0x28);
  private static final Color MEMORY = new Color(0x8e, 0x44, 0xad);
  private static final Color OUTAGE = new Color(0xd6, 0x27, 0x28, 0x22);

  private ChaosChart() {}

  static void write(Plan plan, List<Sample> samples, String accounting, Path png, Path html)
      throws IOException {
    BufferedImage image = draw(plan, samples);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "png", bytes);
    Files.write(png, bytes.toByteArray());
    Files.writeString(html, page(plan, samples, accounting, bytes.toByteArray()), StandardCharsets.UTF_8);
  }

  static BufferedImage draw(Plan plan, List<Sample> samples) {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    int plotWidth = WIDTH - LEFT - RIGHT;
    double maxSeconds =
        Math.max(1, samples.isEmpty() ? 1 : Math.ceil(samples.get(samples.size() - 1).seconds()));
    double maxItems = 1;
    double maxMemory = 1;
    for (Sample s : samples) {
      maxItems = Math.max(maxItems, Math.max(s.offered(), s.received()));
      maxMemory = Math.max(maxMemory, Math.max(s.memoryUsedBytes(), s.memoryLimitBytes()));
    }
    maxItems = niceCeiling(maxItems);
    maxMemory = niceCeiling(maxMemory * 1.2 / (1 << 20)) * (1 << 20);

    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
    g.drawString("Levee chaos demo: spans through a receiver outage", LEFT, 26);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString(plan.describe(), LEFT, 44);

    // The outage, shaded across both panels.
    double downFrom = plan.downAt();
    double downTo = plan.downAt() + plan.downFor();
    g.setColor(OUTAGE);
    int x0 = x(downFrom, maxSeconds, plotWidth);
    int x1 = x(Math.min(downTo, maxSeconds), maxSeconds, plotWidth);
    g.fillRect(x0, TOP, x1 - x0, MEMORY_TOP + MEMORY_HEIGHT - TOP);
    g.setColor(DROPPED);
    g.drawString("receiver down", x0 + 4, TOP + 14);

    // Items panel.
    frame(g, TOP, ITEMS_HEIGHT, plotWidth, maxItems, maxSeconds, "spans", false);
    line(g, samples, Sample::offered, OFFERED, TOP, ITEMS_HEIGHT, maxItems, maxSeconds, plotWidth, true);
    line(g, samples, s -> s.received(), DELIVERED, TOP, ITEMS_HEIGHT, maxItems, maxSeconds, plotWidth, false);
    line(g, samples, Sample::journaled, JOURNALED, TOP, ITEMS_HEIGHT, maxItems, maxSeconds, plotWidth, false);
    line(g, samples, Sample::pending, PENDING, TOP, ITEMS_HEIGHT, maxItems, maxSeconds, plotWidth, false);
    line(g, samples, Sample::dropped, DROPPED, TOP, ITEMS_HEIGHT, maxItems, maxSeconds, plotWidth, false);
    legend(
        g,
        LEFT + 12,
        TOP + 34,
        new String[] {"offered by the app", "received by the backend", "pending in Levee (memory + journal)", "journaled (written to disk)", "dropped"},
        new Color[] {OFFERED, DELIVERED, PENDING, JOURNALED, DROPPED});

    // Breaker band.
    g.setColor(Color.BLACK);
    g.drawString("breaker", LEFT - 62, BAND_TOP + 12);
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      double from = i == 0 ? 0 : samples.get(i - 1).seconds();
      int a = x(from, maxSeconds, plotWidth);
      int b = x(s.seconds(), maxSeconds, plotWidth);
      g.setColor(breakerColor(s.breaker()));
      g.fillRect(a, BAND_TOP, Math.max(1, b - a), BAND_HEIGHT);
    }
    legend(
        g,
        LEFT + plotWidth - 330,
        BAND_TOP - 4 + BAND_HEIGHT + 14,
        new String[] {"closed", "open", "half-open"},
        new Color[] {breakerColor("closed"), breakerColor("open"), breakerColor("half_open")},
        true);

    // Memory panel.
    frame(g, MEMORY_TOP, MEMORY_HEIGHT, plotWidth, maxMemory / (1 << 20), maxSeconds, "MiB", true);
    line(g, samples, s -> s.memoryUsedBytes() / (double) (1 << 20), MEMORY, MEMORY_TOP, MEMORY_HEIGHT, maxMemory / (1 << 20), maxSeconds, plotWidth, false);
    g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    line(g, samples, s -> s.memoryLimitBytes() / (double) (1 << 20), MEMORY, MEMORY_TOP, MEMORY_HEIGHT, maxMemory / (1 << 20), maxSeconds, plotWidth, false);
    g.setStroke(new BasicStroke(1f));
    legend(g, LEFT + 12, MEMORY_TOP + 16, new String[] {"Levee memory used (dashed: memory.limit)"}, new Color[] {MEMORY});
    g.setColor(Color.BLACK);
    g.drawString("seconds", LEFT + plotWidth / 2 - 20, HEIGHT - 8);
    g.dispose();
    return image;
  }

  private static Color breakerColor(String state) {
    return switch (state) {
      case "open" -> new Color(0xd6, 0x27, 0x28);
      case "half_open", "half-open" -> new Color(0xf1, 0xc4, 0x0f);
      default -> new Color(0x9b, 0xd7, 0xa8);
    };
  }

  private static int x(double seconds, double maxSeconds, int plotWidth) {
    return LEFT + (int) Math.round(seconds / maxSeconds * plotWidth);
  }

  private static int y(double value, int top, int height, double max) {
    return top + height - (int) Math.round(value / max * height);
  }

  private static void frame(
      Graphics2D g, int top, int height, int plotWidth, double max, double maxSeconds, String unit, boolean timeAxis) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (int i = 0; i <= 4; i++) {
      double value = max * i / 4;
      int y = y(value, top, height, max);
      g.setColor(new Color(0xe6, 0xe6, 0xe6));
      g.drawLine(LEFT, y, LEFT + plotWidth, y);
      g.setColor(Color.DARK_GRAY);
      String label = format(value);
      g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
    }
    g.setColor(Color.DARK_GRAY);
    g.drawString(unit, LEFT - 8 - g.getFontMetrics().stringWidth(unit), top - 6);
    g.drawRect(LEFT, top, plotWidth, height);
    if (timeAxis) {
      double step = maxSeconds <= 30 ? 5 : maxSeconds <= 120 ? 10 : 30;
      for (double s = 0; s <= maxSeconds; s += step) {
        int x = x(s, maxSeconds, plotWidth);
        g.drawLine(x, top + height, x, top + height + 4);
        String label = format(s);
        g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, top + height + 16);
      }
    }
  }

  private static void line(
      Graphics2D g,
      List<Sample> samples,
      ToDoubleFunction<Sample> value,
      Color color,
      int top,
      int height,
      double max,
      double maxSeconds,
      int plotWidth,
      boolean thin) {
    if (samples.isEmpty()) {
      return;
    }
    Path2D path = new Path2D.Double();
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      double px = x(s.seconds(), maxSeconds, plotWidth);
      double py = y(value.applyAsDouble(s), top, height, max);
      if (i == 0) {
        path.moveTo(px, py);
      } else {
        path.lineTo(px, py);
      }
    }
    java.awt.Stroke before = g.getStroke();
    if (before instanceof BasicStroke basic && basic.getDashArray() == null) {
      g.setStroke(new BasicStroke(thin ? 1.5f : 2.5f));
    }
    g.setColor(color);
    g.draw(path);
    g.setStroke(before);
  }

  private static void legend(Graphics2D g, int x, int y, String[] labels, Color[] colors) {
    legend(g, x, y, labels, colors, false);
  }

  private static void legend(Graphics2D g, int x, int y, String[] labels, Color[] colors, boolean inline) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    int cx = x;
    int cy = y;
    for (int i = 0; i < labels.length; i++) {
      g.setColor(colors[i]);
      g.fillRect(cx, cy - 9, 14, 10);
      g.setColor(Color.BLACK);
      g.drawString(labels[i], cx + 20, cy);
      if (inline) {
        cx += 30 + g.getFontMetrics().stringWidth(labels[i]);
      } else {
        cy += 17;
      }
    }
  }

  /** The smallest of 1, 2, 2.5, 5 times a power of ten that is at least {@code value}. */
  static double niceCeiling(double value) {
    double power = Math.pow(10, Math.floor(Math.log10(value)));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (step * power >= value) {
        return step * power;
      }
    }
    return 10 * power;
  }

  private static String format(double value) {
    if (value >= 1000 && value % 1000 == 0) {
      return String.format(Locale.ROOT, "%dk", (long) value / 1000);
    }
    if (value >= 1000) {
      return String.format(Locale.ROOT, "%.1fk", value / 1000);
    }
    return value == Math.rint(value)
        ? String.valueOf((long) value)
        : String.format(Locale.ROOT, "%.1f", value);
  }

  private static String page(Plan plan, List<Sample> samples, String accounting, byte[] png) {
    StringBuilder rows = new StringBuilder();
    for (Sample s : samples) {
      rows.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%.1f</td><td>%s</td><td>%s</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%.2f</td></tr>%n",
              s.seconds(),
              s.receiverUp() ? "up" : "DOWN",
              s.breaker(),
              s.offered(),
              s.delivered(),
              s.received(),
              s.pending(),
              s.journaled(),
              s.dropped(),
              s.memoryUsedBytes() / (double) (1 << 20)));
    }
    return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Levee chaos demo</title>\n"
        + "<style>body{font-family:sans-serif;margin:24px}table{border-collapse:collapse;font-size:13px}"
        + "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}</style></head><body>\n"
        + "<h1>Levee chaos demo</h1>\n<p>"
        + escape(plan.describe())
        + "</p>\n<p><img alt=\"chart\" src=\"data:image/png;base64,"
        + Base64.getEncoder().encodeToString(png)
        + "\"></p>\n<p><b>Accounting for spans:</b> "
        + escape(accounting)
        + "</p>\n<table><tr><th>s</th><th>receiver</th><th>breaker</th><th>offered</th><th>delivered</th>"
        + "<th>received</th><th>pending</th><th>journaled</th><th>dropped</th><th>memory MiB</th></tr>\n"
        + rows
        + "</table>\n</body></html>\n";
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
