package dev.lb.loadtest.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.admin.Palette;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each chart type is drawn as a 900 × 500 PNG, in the colours of the dashboard's palette where it shows replicas. */
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
    PngAssertions.assertPng(dir.resolve("a1.png"));
    PngAssertions.assertDrawnIn(dir.resolve("a1.png"), Palette.hex(1), Palette.hex(2), Palette.hex(3));
  }

  @Test
  void barsTakeTheColoursTheyAreGiven() throws IOException {
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("balancer", 40_579.0);
    values.put("haproxy", 55_052.0);
    Charts.bars(dir.resolve("bench.png"), labels(), values, List.of(ChartStyle.series(0), ChartStyle.OTHER),
        ChartStyle.thousands(), null);
    PngAssertions.assertPng(dir.resolve("bench.png"));
    PngAssertions.assertDrawnIn(dir.resolve("bench.png"), Palette.hex(1), "#9e9e9e");
  }

  @Test
  void groupedBarsAreDrawnAsAPng() throws IOException {
    Map<String, Map<String, Double>> values = new LinkedHashMap<>();
    values.put("maglev", Map.of("N = 2", 1.01, "N = 3", 1.02));
    values.put("murmur3", Map.of("N = 2", 1.2, "N = 3", 1.4));
    Charts.groupedBars(dir.resolve("a4.png"), labels(), values, new Charts.Reference(1.0, "even"),
        ChartStyle.format("0.0"));
    PngAssertions.assertPng(dir.resolve("a4.png"));
    PngAssertions.assertDrawnIn(dir.resolve("a4.png"), Palette.hex(1), Palette.hex(2));
  }

  @Test
  void aSpreadIsDrawnAsAPng() throws IOException {
    SpreadChart.draw(dir.resolve("a2.png"), labels(), List.of(new SpreadChart.Spread(2, 5_000, 471, 9_529),
        new SpreadChart.Spread(3, 3_333.3, 441, 8_459), new SpreadChart.Spread(4, 2_500, 0, 8_214)));
    PngAssertions.assertPng(dir.resolve("a2.png"));
  }

  @Test
  void aTimelineIsDrawnAsAPng() throws IOException {
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    series.put("answered", List.of(new double[] {0, 6_000}, new double[] {0.1, 0}, new double[] {0.2, 7_000}));
    series.put("failed", List.of(new double[] {0, 0}, new double[] {0.1, 30}, new double[] {0.2, 0}));
    Map<String, Double> marks = new LinkedHashMap<>();
    marks.put("killed", 0.05);
    marks.put("detected +33 ms", 0.083);
    Charts.timeline(dir.resolve("a3-kill.png"), labels(), series, marks, new Charts.Reference(6_500, "a level"));
    PngAssertions.assertPng(dir.resolve("a3-kill.png"));
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

  private static Charts.Labels labels() {
    return new Charts.Labels("title", "subtitle", "x (unit)", "y (unit)");
  }
}
