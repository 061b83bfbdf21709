package dev.lb.loadtest.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The chart types of REPORT.md and bench.md, drawn with JFreeChart in {@link ChartStyle} and written as 900 × 500 PNG. Where a chart
 * shows replicas, each has the colour of its ring id, as on the dashboard ({@link ChartStyle#replica}).
 */
public final class Charts {

  private static final int WIDTH = 900;
  private static final int HEIGHT = 500;
  private static final Pattern TRAILING_NUMBER = Pattern.compile("(\\d+)$");

  /** What a chart says in words: title, the line under it, and the axis labels with their units. */
  public record Labels(String title, String subtitle, String xAxis, String yAxis) { }

  /** A horizontal line to compare against, such as the even share or the ideal. */
  public record Reference(double value, String label) { }

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /**
   * One bar per replica in its ring-id colour, its count written on it; {@code even}, if given, as a line labelled
   * at the right (the first replica's bar is often the tallest).
   */
  public static void replicaBars(Path file, Labels labels, Map<String, ? extends Number> counts, Reference even) {
    bars(file, labels, counts, replicaColours(counts.keySet()), ChartStyle.thousands(), even);
  }

  /**
   * One bar per category, bar k in {@code colours.get(k)}, its value written on it in {@code valueFormat};
   * {@code reference}, if given, as a line labelled at the right.
   */
  public static void bars(Path file, Labels labels, Map<String, ? extends Number> values, List<Color> colours,
      NumberFormat valueFormat, Reference reference) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    values.forEach((category, value) -> data.addValue(value, labels.yAxis(), category));
    BarRenderer renderer = new BarRenderer() {
      @Override
      public Paint getItemPaint(int row, int column) {
        return colours.get(column);
      }
    };
    JFreeChart chart = barChart(labels, data, renderer, false);
    CategoryPlot plot = (CategoryPlot) chart.getPlot();
    renderer.setMaximumBarWidth(0.18);
    valueLabels(renderer, valueFormat);
    if (reference != null) {
      plot.addRangeMarker(ChartStyle.reference(reference.value(), reference.label(), ChartStyle.LabelEnd.RIGHT));
    }
    ((NumberAxis) plot.getRangeAxis()).setNumberFormatOverride(ChartStyle.thousands());
    save(chart, file);
  }

  /**
   * Grouped bars, {@code values.get(series).get(category)}, series in palette order (they are not replicas);
   * {@code valueFormat}, if given, writes each value on its bar; {@code reference} is labelled at the left, in the
   * gap before the first group.
   */
  public static void groupedBars(Path file, Labels labels, Map<String, Map<String, Double>> values, Reference reference,
      NumberFormat valueFormat) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    values.forEach((series, row) -> row.forEach((category, value) -> data.addValue(value, series, category)));
    JFreeChart chart = barChart(labels, data, new BarRenderer(), values.size() > 1);
    CategoryPlot plot = (CategoryPlot) chart.getPlot();
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setItemMargin(0.06);
    for (int s = 0; s < values.size(); s++) {
      renderer.setSeriesPaint(s, ChartStyle.series(s));
    }
    if (valueFormat != null) {
      valueLabels(renderer, valueFormat);
    }
    if (reference != null) {
      plot.addRangeMarker(ChartStyle.reference(reference.value(), reference.label(), ChartStyle.LabelEnd.LEFT));
    }
    save(chart, file);
  }

  /**
   * Lines over time, the first (what succeeded) in slate and the second (what failed) in red, with a labelled
   * vertical mark for each event (killed, detected, replaced), each label on its own row, and {@code level}, if given,
   * as a horizontal line labelled at the right.
   */
  public static void timeline(Path file, Labels labels, Map<String, List<double[]>> series, Map<String, Double> marks,
      Reference level) {
    JFreeChart chart = ChartFactory.createXYLineChart(labels.title(), labels.xAxis(), labels.yAxis(), lines(series),
        PlotOrientation.VERTICAL, true, false, false);
    ChartStyle.apply(chart, labels.subtitle(), series.size() > 1);
    XYPlot plot = (XYPlot) chart.getPlot();
    XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) plot.getRenderer();
    for (int s = 0; s < series.size(); s++) {
      renderer.setSeriesStroke(s, new BasicStroke(2f));
    }
    renderer.setSeriesPaint(0, ChartStyle.AGGREGATE);
    renderer.setSeriesPaint(1, ChartStyle.FAILURE);
    int row = 0;
    for (Map.Entry<String, Double> mark : marks.entrySet()) {
      plot.addDomainMarker(eventMark(mark.getKey(), mark.getValue(), row++));
    }
    if (level != null) {
      plot.addRangeMarker(ChartStyle.reference(level.value(), level.label(), ChartStyle.LabelEnd.RIGHT));
    }
    NumberAxis y = (NumberAxis) plot.getRangeAxis();
    y.setNumberFormatOverride(ChartStyle.thousands());
    y.setUpperMargin(0.06 + 0.07 * marks.size()); // headroom for the marks' labels, one row each
    ChartStyle.quiet(y);
    save(chart, file);
  }

  private static XYSeriesCollection lines(Map<String, List<double[]>> series) {
    XYSeriesCollection data = new XYSeriesCollection();
    series.forEach((name, points) -> {
      XYSeries s = new XYSeries(name);
      points.forEach(p -> s.add(p[0], p[1]));
      data.addSeries(s);
    });
    return data;
  }

  /** A dashed vertical line at {@code x}, its label on the {@code row}-th row from the top so labels never overlap. */
  private static ValueMarker eventMark(String label, double x, int row) {
    ValueMarker marker = new ValueMarker(x, ChartStyle.MUTED, ChartStyle.DASHED);
    marker.setLabel(label);
    marker.setLabelFont(ChartStyle.font(Font.PLAIN, 12));
    marker.setLabelPaint(ChartStyle.INK);
    marker.setLabelBackgroundColor(new Color(255, 255, 255, 220));
    marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
    marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
    marker.setLabelOffset(new RectangleInsets(6 + 18 * row, 4, 0, 0));
    return marker;
  }

  /** The colour of each replica, in order: the palette colour of its ring id (see {@link #ringIdOf}). */
  public static List<Color> replicaColours(Collection<String> replicas) {
    List<Color> colours = new ArrayList<>();
    for (String replica : replicas) {
      colours.add(ChartStyle.replica(ringIdOf(replica, colours.size())));
    }
    return colours;
  }

  /**
   * The ring id a replica label stands for: its trailing number ({@code "Server 3"} and {@code "3"} are both 3), or
   * {@code index + 1} when it has none.
   */
  public static int ringIdOf(String label, int index) {
    Matcher m = TRAILING_NUMBER.matcher(label.strip());
    if (m.find()) {
      try {
        return Integer.parseInt(m.group(1));
      } catch (NumberFormatException tooLong) {
        return index + 1;
      }
    }
    return index + 1;
  }

  private static JFreeChart barChart(Labels labels, DefaultCategoryDataset data, BarRenderer renderer,
      boolean legend) {
    JFreeChart chart = ChartFactory.createBarChart(labels.title(), labels.xAxis(), labels.yAxis(), data,
        PlotOrientation.VERTICAL, true, false, false);
    CategoryPlot plot = (CategoryPlot) chart.getPlot();
    plot.setRenderer(renderer);
    ChartStyle.apply(chart, labels.subtitle(), legend);
    plot.setDomainGridlinesVisible(false);
    plot.getDomainAxis().setAxisLinePaint(ChartStyle.AXIS);
    plot.getDomainAxis().setTickMarksVisible(false);
    plot.getRangeAxis().setUpperMargin(0.1);
    ChartStyle.quiet(plot.getRangeAxis());
    return chart;
  }

  private static void valueLabels(BarRenderer renderer, NumberFormat format) {
    renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", format));
    renderer.setDefaultItemLabelFont(ChartStyle.font(Font.PLAIN, 12));
    renderer.setDefaultItemLabelPaint(ChartStyle.INK);
    renderer.setDefaultPositiveItemLabelPosition(
        new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER));
    renderer.setDefaultItemLabelsVisible(true);
  }

  /** Writes {@code chart} to {@code file} as a 900 × 500 PNG. */
  public static void save(JFreeChart chart, Path file) {
    try {
      ChartUtils.saveChartAsPNG(new File(file.toString()), chart, WIDTH, HEIGHT);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
