package dev.lb.loadtest.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The bench's charts (PNG, JFreeChart): requests/s per target, the proxies' CPU per request, and a fresh balancer's
 * requests/s second by second. Flat bars on a light background, the balancer's bar in its own colour.
 */
final class BenchCharts {

  private static final int WIDTH = 900;
  private static final int HEIGHT = 500;
  private static final Color BALANCER = new Color(0x1f, 0x77, 0xb4);
  private static final Color OTHERS = new Color(0x9e, 0x9e, 0x9e);
  private static final Color GRID = new Color(0xdd, 0xdd, 0xdd);

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private BenchCharts() {}

  static void write(Path dir, JsonObject results) {
    Map<String, Double> rps = new LinkedHashMap<>();
    Map<String, Double> cpu = new LinkedHashMap<>();
    for (Object o : results.getJsonArray("targets", new JsonArray())) {
      JsonObject t = (JsonObject) o;
      JsonObject m = t.getJsonObject("median");
      if (m != null) {
        rps.put(t.getString("name"), m.getDouble("requestsPerSecond"));
        if (m.containsKey("cpuUsPerRequest")) {
          cpu.put(t.getString("name"), m.getDouble("cpuUsPerRequest"));
        }
      }
    }
    String load = results.getString("generator");
    bars(dir.resolve("bench.png"), "Throughput, closed loop (" + load + "), median of rounds", "requests per second",
        rps, "#,##0");
    bars(dir.resolve("bench-cpu.png"), "CPU time of the proxy process(es) per request (utime + stime)",
        "CPU µs per request", cpu, "0.0");
    JsonObject startup = results.getJsonObject("startup");
    if (startup != null && startup.containsKey("requestsPerSecond")) {
      startup(dir.resolve("bench-startup.png"), startup.getJsonArray("requestsPerSecond"),
          Startup.SHARE * startup.getLong("steadyRequestsPerSecond"));
    }
  }

  private static void bars(Path file, String title, String valueAxis, Map<String, Double> values, String format) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    values.forEach((target, value) -> data.addValue(value, valueAxis, target));
    JFreeChart chart = ChartFactory.createBarChart(title, "target", valueAxis, data, PlotOrientation.VERTICAL,
        false, false, false);
    style(chart);
    CategoryPlot plot = (CategoryPlot) chart.getPlot();
    BarRenderer renderer = new BarRenderer() {
      @Override
      public java.awt.Paint getItemPaint(int row, int column) {
        return "balancer".equals(data.getColumnKey(column)) ? BALANCER : OTHERS;
      }
    };
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setMaximumBarWidth(0.15);
    renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat(format)));
    renderer.setDefaultItemLabelsVisible(true);
    renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    plot.setRenderer(renderer);
    plot.setRangeGridlinePaint(GRID);
    plot.getRangeAxis().setUpperMargin(0.12);
    save(chart, file);
  }

  private static void startup(Path file, JsonArray perSecond, double ninetyPercent) {
    XYSeries series = new XYSeries("fresh balancer");
    for (int k = 0; k < perSecond.size(); k++) {
      series.add(k + 1, perSecond.getDouble(k));
    }
    JFreeChart chart = ChartFactory.createXYLineChart("A fresh balancer's throughput, second by second",
        "second of load after start", "requests per second", new XYSeriesCollection(series), PlotOrientation.VERTICAL,
        false, false, false);
    style(chart);
    XYPlot plot = (XYPlot) chart.getPlot();
    plot.getRenderer().setSeriesPaint(0, BALANCER);
    plot.getRenderer().setSeriesStroke(0, new BasicStroke(2f));
    plot.getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    ValueMarker marker = new ValueMarker(ninetyPercent, Color.DARK_GRAY, new BasicStroke(1f, BasicStroke.CAP_BUTT,
        BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
    marker.setLabel("90 % of steady");
    marker.setLabelBackgroundColor(Color.WHITE);
    marker.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
    marker.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
    plot.addRangeMarker(marker);
    plot.setRangeGridlinePaint(GRID);
    plot.setDomainGridlinePaint(GRID);
    save(chart, file);
  }

  private static void style(JFreeChart chart) {
    StandardChartTheme.createJFreeTheme().apply(chart);
    chart.setBackgroundPaint(Color.WHITE);
    chart.getPlot().setBackgroundPaint(Color.WHITE);
    chart.getPlot().setOutlineVisible(false);
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
  }

  private static void save(JFreeChart chart, Path file) {
    try {
      ChartUtils.saveChartAsPNG(new File(file.toString()), chart, WIDTH, HEIGHT);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
