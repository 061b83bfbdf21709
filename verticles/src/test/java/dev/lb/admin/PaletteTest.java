package dev.lb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The replica colours the dashboard and the load test's charts share. */
class PaletteTest {

  @Test
  void tenColoursByRingIdThatWrapAround() {
    assertEquals("#4e79a7", Palette.hex(1));
    assertEquals("#bab0ac", Palette.hex(10));
    assertEquals(Palette.hex(1), Palette.hex(11));
    assertEquals("#f28e2b", Palette.hex(12));
    assertEquals(Palette.hex(10), Palette.hex(0), "ring ids below 1 wrap too");
    assertEquals(10, Palette.size());
  }
}
