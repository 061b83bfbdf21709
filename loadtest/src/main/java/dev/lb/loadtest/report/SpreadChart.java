package dev.lb.loadtest.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardXYItemLabelGenerator;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * How evenly requests spread over the replicas as x changes: the mean per replica as a line, inside a band from the
 * least to the most any one replica handled. A band and not mean ± std: the counts are far from normal (one replica
 * can take most of them), and mean − std would claim replicas handled fewer than zero requests.
 */
public final class SpreadChart {

  private static final Color EDGE = new Color(0x8a, 0x96, 0xa3);
  private static final Color BAND_KEY = new Color(0xd8, 0xdb, 0xdf);

  /** Requests per replica at one x: the mean and the least and most any replica got. */
  public record Spread(double x, double mean, double min, double max) { }

  private SpreadChart() {}

  /**
   * The mean per replica as a line over x, inside a band from the least to the most any replica got, the band's
   * edges labelled with their values.
   */
  public static void draw(Path file, Charts.Labels labels, List<Spread> points) {
    YIntervalSeriesCollection data = band("mean", points);
    JFreeChart chart = ChartFactory.createXYLineChart(labels.title(), labels.xAxis(), labels.yAxis(), data,
        PlotOrientation.VERTICAL, true, false, false);
    ChartStyle.apply(chart, labels.subtitle(), true);
    XYPlot plot = (XYPlot) chart.getPlot();
    DeviationRenderer renderer = new DeviationRenderer(true, true);
    renderer.setSeriesPaint(0, ChartStyle.AGGREGATE);
    renderer.setSeriesFillPaint(0, ChartStyle.AGGREGATE);
    renderer.setSeriesStroke(0, new BasicStroke(2.5f));
    renderer.setAlpha(0.14f);
    plot.setRenderer(renderer);
    plot.setDataset(1, edges(data));
    plot.setRenderer(1, edgeRenderer());
    LegendItemCollection legend = new LegendItemCollection();
    legend.add(new LegendItem("mean per replica (the even share)", ChartStyle.AGGREGATE));
    legend.add(new LegendItem("from the least to the most any replica handled", BAND_KEY));
    plot.setFixedLegendItems(legend);
    axes(plot);
    Charts.save(chart, file);
  }

  /** Whole numbers of replicas along x; requests from zero up, with room above for the edges' labels. */
  private static void axes(XYPlot plot) {
    NumberAxis x = (NumberAxis) plot.getDomainAxis();
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    x.setLowerMargin(0.05);
    x.setUpperMargin(0.05);
    NumberAxis y = (NumberAxis) plot.getRangeAxis();
    y.setNumberFormatOverride(ChartStyle.thousands());
    y.setLowerBound(0);
    y.setUpperMargin(0.08);
    ChartStyle.quiet(y);
  }

  /** The top and bottom of {@code band} as two series, "most" and "least", to draw and label the edges. */
  private static XYSeriesCollection edges(YIntervalSeriesCollection band) {
    XYSeries most = new XYSeries("most");
    XYSeries least = new XYSeries("least");
    for (int i = 0; i < band.getItemCount(0); i++) {
      most.add(band.getXValue(0, i), band.getEndYValue(0, i));
      least.add(band.getXValue(0, i), band.getStartYValue(0, i));
    }
    XYSeriesCollection edges = new XYSeriesCollection();
    edges.addSeries(most);
    edges.addSeries(least);
    return edges;
  }

  private static XYLineAndShapeRenderer edgeRenderer() {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    r.setDefaultPaint(EDGE);
    r.setAutoPopulateSeriesPaint(false);
    r.setDefaultStroke(new BasicStroke(1f));
    r.setAutoPopulateSeriesStroke(false);
    r.setDefaultItemLabelGenerator(new StandardXYItemLabelGenerator("{2}", NumberFormat.getInstance(),
        ChartStyle.thousands()));
    r.setDefaultItemLabelFont(ChartStyle.font(Font.PLAIN, 12));
    r.setDefaultItemLabelPaint(ChartStyle.MUTED);
    r.setDefaultItemLabelsVisible(true);
    // above the lower edge too: it runs close to zero, where a label below would meet the axis
    r.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER));
    return r;
  }

  /**
   * The band of {@link #draw}: for each point the mean, with low and high the least and most any replica got.
   * Never below zero, since no replica handles fewer than no requests, whatever the input says.
   */
  static YIntervalSeriesCollection band(String name, List<Spread> points) {
    YIntervalSeries series = new YIntervalSeries(name);
    for (Spread p : points) {
      series.add(p.x(), Math.max(0, p.mean()), Math.max(0, p.min()), Math.max(0, p.max()));
    }
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    data.addSeries(series);
    return data;
  }

}
