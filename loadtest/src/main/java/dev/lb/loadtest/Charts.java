package dev.lb.loadtest;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The report's charts, drawn with JFreeChart and written as PNG. */
final class Charts {

  private static final int WIDTH = 900;
  private static final int HEIGHT = 500;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** Bars of {@code values}, one per category, with the value written on each. */
  static void bars(Path file, String title, String categoryAxis, String valueAxis, Map<String, ? extends Number> values) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    values.forEach((category, value) -> data.addValue(value, valueAxis, category));
    JFreeChart chart = ChartFactory.createBarChart(title, categoryAxis, valueAxis, data, PlotOrientation.VERTICAL,
        false, false, false);
    BarRenderer renderer = (BarRenderer) ((CategoryPlot) chart.getPlot()).getRenderer();
    renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator());
    renderer.setDefaultItemLabelsVisible(true);
    save(chart, file);
  }

  /** Grouped bars: {@code values.get(series).get(category)}. */
  static void groupedBars(Path file, String title, String categoryAxis, String valueAxis,
      Map<String, Map<String, Double>> values, Double reference) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    values.forEach((series, row) -> row.forEach((category, value) -> data.addValue(value, series, category)));
    JFreeChart chart = ChartFactory.createBarChart(title, categoryAxis, valueAxis, data, PlotOrientation.VERTICAL,
        true, false, false);
    if (reference != null) {
      ValueMarker marker = new ValueMarker(reference, Color.DARK_GRAY, new BasicStroke(1.5f));
      marker.setLabel("ideal " + reference);
      marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
      marker.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
      ((CategoryPlot) chart.getPlot()).addRangeMarker(marker);
    }
    save(chart, file);
  }

  /** Lines over x: {@code series.get(name)} is a list of {x, y} pairs. */
  static void lines(Path file, String title, String xAxis, String yAxis, Map<String, List<double[]>> series,
      boolean integerX) {
    XYSeriesCollection data = new XYSeriesCollection();
    series.forEach((name, points) -> {
      XYSeries s = new XYSeries(name);
      points.forEach(p -> s.add(p[0], p[1]));
      data.addSeries(s);
    });
    JFreeChart chart = ChartFactory.createXYLineChart(title, xAxis, yAxis, data, PlotOrientation.VERTICAL, true, false, false);
    if (integerX) {
      ((XYPlot) chart.getPlot()).getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    }
    save(chart, file);
  }

  /** Lines over time, with labelled vertical marks (kill, detection, replacement). */
  static void timeline(Path file, String title, Map<String, List<double[]>> series, Map<String, Double> marks) {
    XYSeriesCollection data = new XYSeriesCollection();
    series.forEach((name, points) -> {
      XYSeries s = new XYSeries(name);
      points.forEach(p -> s.add(p[0], p[1]));
      data.addSeries(s);
    });
    JFreeChart chart = ChartFactory.createXYLineChart(title, "seconds", "requests per second", data,
        PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = (XYPlot) chart.getPlot();
    float[] dash = {4f, 4f};
    int k = 0;
    for (Map.Entry<String, Double> mark : marks.entrySet()) {
      ValueMarker marker = new ValueMarker(mark.getValue(), Color.DARK_GRAY,
          new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f));
      marker.setLabel(mark.getKey());
      marker.setLabelAnchor(k++ % 2 == 0 ? RectangleAnchor.TOP_RIGHT : RectangleAnchor.BOTTOM_RIGHT);
      marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
      plot.addDomainMarker(marker);
    }
    save(chart, file);
  }

  private static void save(JFreeChart chart, Path file) {
    try {
      ChartUtils.saveChartAsPNG(new File(file.toString()), chart, WIDTH, HEIGHT);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
