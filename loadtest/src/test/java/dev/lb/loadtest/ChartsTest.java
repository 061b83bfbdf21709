package dev.lb.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.admin.Palette;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

  @TempDir
  Path dir;

  @Test
  void replicaBarsAreDrawnAsAPng() throws IOException {
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("Server 1", 8_432L);
    counts.put("Server 2", 472L);
    counts.put("Server 3", 1_096L);
    Charts.replicaBars(dir.resolve("a1.png"), labels(), counts, new Charts.Reference(3_333.3, "even share 3,333"));
    assertPng(dir.resolve("a1.png"));
    assertDrawnIn(dir.resolve("a1.png"), Palette.hex(1), Palette.hex(2), Palette.hex(3));
  }

  @Test
  void groupedBarsAreDrawnAsAPng() throws IOException {
    Map<String, Map<String, Double>> values = new LinkedHashMap<>();
    values.put("maglev", Map.of("N = 2", 1.01, "N = 3", 1.02));
    values.put("murmur3", Map.of("N = 2", 1.2, "N = 3", 1.4));
    Charts.groupedBars(dir.resolve("a4.png"), labels(), values, new Charts.Reference(1.0, "even"),
        ChartStyle.format("0.0"));
    assertPng(dir.resolve("a4.png"));
    assertDrawnIn(dir.resolve("a4.png"), Palette.hex(1), Palette.hex(2));
  }

  @Test
  void aSpreadIsDrawnAsAPng() throws IOException {
    SpreadChart.draw(dir.resolve("a2.png"), labels(), List.of(new SpreadChart.Spread(2, 5_000, 471, 9_529),
        new SpreadChart.Spread(3, 3_333.3, 441, 8_459), new SpreadChart.Spread(4, 2_500, 0, 8_214)));
    assertPng(dir.resolve("a2.png"));
  }

  @Test
  void aTimelineIsDrawnAsAPng() throws IOException {
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    series.put("answered", List.of(new double[] {0, 6_000}, new double[] {0.1, 0}, new double[] {0.2, 7_000}));
    series.put("failed", List.of(new double[] {0, 0}, new double[] {0.1, 30}, new double[] {0.2, 0}));
    Map<String, Double> marks = new LinkedHashMap<>();
    marks.put("killed", 0.05);
    marks.put("detected +33 ms", 0.083);
    Charts.timeline(dir.resolve("a3-kill.png"), labels(), series, marks);
    assertPng(dir.resolve("a3-kill.png"));
  }

  @Test
  void theBandNeverGoesBelowZero() {
    // what mean - std gave for A-2 at N = 6: a lower edge of -1,100 requests
    YIntervalSeriesCollection band = SpreadChart.band("mean", List.of(
        new SpreadChart.Spread(2, 5_000, 471, 9_529), new SpreadChart.Spread(6, 1_666.7, -1_100, 4_400)));
    for (int i = 0; i < band.getItemCount(0); i++) {
      assertTrue(band.getStartYValue(0, i) >= 0, "lower edge at item " + i);
      assertTrue(band.getYValue(0, i) >= band.getStartYValue(0, i));
      assertTrue(band.getEndYValue(0, i) >= band.getYValue(0, i));
    }
    assertEquals(0, band.getStartYValue(0, 1));
    assertEquals(471, band.getStartYValue(0, 0));
    assertEquals(9_529, band.getEndYValue(0, 0));
  }

  @Test
  void aReplicaLabelGivesItsRingIdByItsTrailingNumber() {
    assertEquals(3, Charts.ringIdOf("Server 3", 0));
    assertEquals(3, Charts.ringIdOf("3", 0));
    assertEquals(12, Charts.ringIdOf(" Server 12 ", 0));
    assertEquals(2, Charts.ringIdOf("replica-abc", 1));
    assertEquals(1, Charts.ringIdOf("99999999999999999999", 0));
  }

  @Test
  void replicasTakeThePaletteColourOfTheirRingIdWhateverTheirOrder() {
    assertEquals(List.of(Color.decode(Palette.hex(3)), Color.decode(Palette.hex(1)), Color.decode(Palette.hex(3))),
        Charts.replicaColours(List.of("Server 3", "1", "no number")));
    assertEquals(Charts.replicaColours(List.of("Server 2")), Charts.replicaColours(List.of("2")));
  }

  @Test
  void theChartsColoursAreTheDashboardsAndWrapAfterTen() {
    assertEquals(Color.decode(Palette.hex(1)), ChartStyle.replica(1));
    assertEquals(ChartStyle.replica(2), ChartStyle.replica(12));
    assertEquals(new Color(0xf2, 0x8e, 0x2b), ChartStyle.replica(12));
    assertEquals(ChartStyle.replica(1), ChartStyle.series(0), "series that are not replicas take the same colours");
  }

  @Test
  void everyChartWithItsNumbersInTheResultsIsDrawn() throws IOException {
    JsonObject results = results(true);
    assertEquals(List.of("a1.png", "a2.png", "a3-kill.png", "a4.png", "remap.png"), ResultCharts.draw(dir, results));
    for (String file : List.of("a1.png", "a2.png", "a3-kill.png", "a4.png", "remap.png")) {
      assertPng(dir.resolve(file));
    }
  }

  @Test
  void a3IsNotDrawnFromResultsWithoutItsTimeline() {
    assertFalse(ResultCharts.draw(dir, results(false)).contains("a3-kill.png"));
    assertFalse(Files.exists(dir.resolve("a3-kill.png")));
  }

  private static Charts.Labels labels() {
    return new Charts.Labels("title", "subtitle", "x (unit)", "y (unit)");
  }

  /** Each of {@code hex} fills some pixels of {@code file}: the chart drew with the dashboard's colours. */
  private static void assertDrawnIn(Path file, String... hex) throws IOException {
    BufferedImage image = ImageIO.read(file.toFile());
    Set<Integer> drawn = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        drawn.add(image.getRGB(x, y) & 0xffffff);
      }
    }
    for (String h : hex) {
      assertTrue(drawn.contains(Color.decode(h).getRGB() & 0xffffff), file.getFileName() + " has no pixel in " + h);
    }
  }

  private static void assertPng(Path file) throws IOException {
    assertTrue(Files.size(file) > 0, file + " is empty");
    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(900, image.getWidth());
    assertEquals(500, image.getHeight());
  }

  /** A small results.json, A-3's kill (with or without its timeline), A-4 and remap. */
  private static JsonObject results(boolean timeline) {
    JsonObject stats = new JsonObject().put("N", 2).put("mean", 50.0);
    JsonObject a1 = new JsonObject().put("description", "test ring").put("stats", stats)
        .put("run", new JsonObject().put("requests", 100).put("perReplica", new JsonObject().put("2", 30).put("1", 70)));
    JsonArray rows = new JsonArray()
        .add(new JsonObject().put("N", 2).put("mean", 50.0).put("min", 30).put("max", 70).put("maxOverMean", 1.4))
        .add(new JsonObject().put("N", 3).put("mean", 33.3).put("min", 0).put("max", 60).put("maxOverMean", 1.8));
    JsonObject a2 = new JsonObject().put("description", "test ring").put("rows", rows);
    JsonObject kill = new JsonObject().put("concurrency", 16).put("detectMs", 33).put("replaceMs", 1_199)
        .put("run", new JsonObject().put("requests", 300).put("failed", 2));
    if (timeline) {
      kill.put("timeline", new JsonObject().put("bucketMs", 100).put("disruptedAtMs", 100)
          .put("ok", new JsonArray().add(100).add(80).add(118)).put("failed", new JsonArray().add(0).add(2).add(0)));
    }
    JsonObject a4 = new JsonObject().put("configs", new JsonArray()
        .add(new JsonObject().put("config", "maglev").put("a2", a2)));
    JsonObject change = new JsonObject().put("fromN", 4).put("toN", 5).put("moved", 0.203).put("ideal", 0.2);
    JsonObject remap = new JsonObject().put("configs", new JsonArray().add(new JsonObject().put("config", "maglev")
        .put("keys", 1_000).put("add", change).put("remove", change.copy().put("fromN", 5).put("toN", 4))));
    return new JsonObject().put("settings", new JsonObject().put("requests", 100)).put("a1", a1).put("a2", a2)
        .put("a3", new JsonObject().put("kill", kill)).put("a4", a4).put("remap", remap);
  }
}
