package dev.lb.loadtest.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;

/** What every chart must be: a 900 × 500 PNG, drawn in the colours it is meant to have. */
public final class PngAssertions {

  private PngAssertions() {}

  public static void assertPng(Path file) throws IOException {
    assertTrue(Files.size(file) > 0, file + " is empty");
    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(900, image.getWidth());
    assertEquals(500, image.getHeight());
  }

  /** Each of {@code hex} fills some pixels of {@code file}: the chart was drawn in those colours. */
  public static void assertDrawnIn(Path file, String... hex) throws IOException {
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
}
