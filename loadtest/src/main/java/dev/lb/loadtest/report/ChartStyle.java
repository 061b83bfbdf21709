package dev.lb.loadtest.report;

import dev.lb.admin.Palette;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GraphicsEnvironment;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.Arrays;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;

/**
 * The look every chart shares: white background, light grey grid, one sans-serif font at sizes that read at
 * 900 × 500, no border, shadow or gradient; numbers with thousands separators whatever the machine's locale.
 */
public final class ChartStyle {

  static {
    // before the first look at the fonts: a report is drawn on machines without a display
    System.setProperty("java.awt.headless", "true");
  }

  static final String FONT = fontFamily();
  static final Color INK = new Color(0x26, 0x26, 0x26);
  static final Color MUTED = new Color(0x59, 0x59, 0x59);
  static final Color GRID = new Color(0xdd, 0xdd, 0xdd);
  static final BasicStroke GRID_STROKE = new BasicStroke(1f);
  /** Lines that stand for all replicas together, not for one: a neutral slate, in no replica's colour. */
  static final Color AGGREGATE = new Color(0x3b, 0x4a, 0x5c);
  /** Failed requests: a red that stands out from the slate of those answered. */
  static final Color FAILURE = new Color(0xc8, 0x37, 0x37);
  static final Color AXIS = new Color(0xb0, 0xb0, 0xb0);
  /** Bars that stand for what the one in colour is compared with (the bench's reference proxies): a quiet grey. */
  public static final Color OTHER = new Color(0x9e, 0x9e, 0x9e);
  static final BasicStroke DASHED = new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
      new float[] {5f, 4f}, 0f);

  private static final StandardChartTheme THEME = theme();

  private ChartStyle() {}

  /** Applies the theme, then the subtitle and a legend only where the chart has more than one series. */
  static void apply(JFreeChart chart, String subtitle, boolean legend) {
    THEME.apply(chart);
    chart.setBorderVisible(false);
    chart.getPlot().setOutlineVisible(false);
    if (chart.getPlot() instanceof CategoryPlot plot) {
      plot.setRangeGridlineStroke(GRID_STROKE);
    } else if (chart.getPlot() instanceof XYPlot plot) {
      plot.setRangeGridlineStroke(GRID_STROKE);
      plot.setDomainGridlineStroke(GRID_STROKE);
    }
    chart.setPadding(new RectangleInsets(10, 12, 8, 16));
    chart.getTitle().setHorizontalAlignment(HorizontalAlignment.LEFT);
    chart.getTitle().setPadding(new RectangleInsets(0, 4, 2, 0));
    if (subtitle != null) {
      TextTitle sub = new TextTitle(subtitle, font(Font.PLAIN, 13));
      sub.setPaint(MUTED);
      sub.setHorizontalAlignment(HorizontalAlignment.LEFT);
      sub.setPadding(new RectangleInsets(0, 4, 8, 0));
      chart.addSubtitle(0, sub);
    }
    LegendTitle legendTitle = chart.getLegend();
    if (legendTitle != null) {
      legend(legendTitle, legend);
    }
  }

  /** A legend below the plot, unframed, shown only where it tells series apart. */
  private static void legend(LegendTitle legend, boolean visible) {
    legend.setVisible(visible);
    legend.setFrame(BlockBorder.NONE);
    legend.setPosition(RectangleEdge.BOTTOM);
    legend.setItemFont(font(Font.PLAIN, 12));
    legend.setItemPaint(INK);
  }

  /**
   * A value axis drawn without its own line or tick marks, the grid carrying the values; room around each tick label
   * so the axis picks fewer, rounder steps.
   */
  static void quiet(Axis axis) {
    axis.setAxisLineVisible(false);
    axis.setTickMarksVisible(false);
    axis.setTickLabelInsets(new RectangleInsets(9, 4, 9, 6));
  }

  /** Which end of a reference line carries its label: the end where the bars leave room for it. */
  enum LabelEnd { LEFT, RIGHT }

  /** A dashed reference line across the plot, labelled above the line at one end. */
  static ValueMarker reference(double value, String label, LabelEnd end) {
    boolean left = end == LabelEnd.LEFT;
    ValueMarker marker = new ValueMarker(value, INK, DASHED);
    marker.setLabel(label);
    marker.setLabelFont(font(Font.PLAIN, 12));
    marker.setLabelPaint(INK);
    marker.setLabelBackgroundColor(new Color(255, 255, 255, 210));
    marker.setLabelAnchor(left ? RectangleAnchor.TOP_LEFT : RectangleAnchor.TOP_RIGHT);
    marker.setLabelTextAnchor(left ? TextAnchor.BOTTOM_LEFT : TextAnchor.BOTTOM_RIGHT);
    marker.setLabelOffset(new RectangleInsets(2, 4, 2, 4));
    return marker;
  }

  static Font font(int style, int size) {
    return new Font(FONT, style, size);
  }

  /** Whole numbers with thousands separators: 8,432. */
  public static NumberFormat thousands() {
    return new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT));
  }

  /** {@code pattern} (a {@link DecimalFormat} pattern) with the separators of the report, not of the machine. */
  public static NumberFormat format(String pattern) {
    return new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT));
  }

  /** The colour of the replica with ring id {@code ringId}: the dashboard's, from {@link Palette}. */
  public static Color replica(int ringId) {
    return Color.decode(Palette.hex(ringId));
  }

  /** Colour of the {@code index}-th series (0-based) of a chart whose series are not replicas. */
  public static Color series(int index) {
    return replica(index + 1);
  }

  private static StandardChartTheme theme() {
    StandardChartTheme t = new StandardChartTheme("report");
    t.setExtraLargeFont(font(Font.BOLD, 18));
    t.setLargeFont(font(Font.PLAIN, 14));
    t.setRegularFont(font(Font.PLAIN, 12));
    t.setSmallFont(font(Font.PLAIN, 11));
    t.setTitlePaint(INK);
    t.setSubtitlePaint(MUTED);
    t.setChartBackgroundPaint(Color.WHITE);
    t.setPlotBackgroundPaint(Color.WHITE);
    t.setPlotOutlinePaint(Color.WHITE);
    t.setLegendBackgroundPaint(Color.WHITE);
    t.setLegendItemPaint(INK);
    t.setDomainGridlinePaint(GRID);
    t.setRangeGridlinePaint(GRID);
    t.setBaselinePaint(AXIS);
    t.setAxisLabelPaint(INK);
    t.setTickLabelPaint(MUTED);
    t.setItemLabelPaint(INK);
    t.setAxisOffset(RectangleInsets.ZERO_INSETS);
    t.setShadowVisible(false);
    t.setBarPainter(new StandardBarPainter());
    t.setXYBarPainter(new StandardXYBarPainter());
    t.setDrawingSupplier(drawingSupplier());
    return t;
  }

  /** Series take the palette's colours in order, as replicas do by ring id. */
  private static DefaultDrawingSupplier drawingSupplier() {
    Color[] colours = new Color[Palette.size()];
    Arrays.setAll(colours, ChartStyle::series);
    return new DefaultDrawingSupplier(colours, colours, colours, DefaultDrawingSupplier.DEFAULT_STROKE_SEQUENCE,
        DefaultDrawingSupplier.DEFAULT_OUTLINE_STROKE_SEQUENCE, DefaultDrawingSupplier.DEFAULT_SHAPE_SEQUENCE);
  }

  private static String fontFamily() {
    String[] families = GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames();
    return Arrays.asList(families).contains("DejaVu Sans") ? "DejaVu Sans" : Font.SANS_SERIF;
  }
}
