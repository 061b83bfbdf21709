package dev.lb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's files are on the class path, where the admin listener's {@code StaticHandler} serves them from, and
 * the page loads nothing from anywhere else: no CDN, no external font or script (the admin listener is often on a
 * machine with no way out).
 */
class DashboardAssetsTest {

  private static final String ROOT = "webroot/dashboard/";
  private static final Pattern ATTRIBUTE = Pattern.compile("\\s(?:src|href)\\s*=\\s*[\"']([^\"']*)[\"']",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern URL = Pattern.compile("(?:https?:)?//[\\w.-]+\\.[a-z]{2,}[^\\s\"'`)]*",
      Pattern.CASE_INSENSITIVE);
  /** Not fetched: the name of the SVG namespace, which {@code createElementNS} needs. */
  private static final String SVG_NAMESPACE = "http://www.w3.org/2000/svg";

  private static String resource(String name) throws IOException {
    try (InputStream in = DashboardAssetsTest.class.getClassLoader().getResourceAsStream(ROOT + name)) {
      assertNotNull(in, ROOT + name + " is on the class path");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<String> references(String html) {
    List<String> found = new ArrayList<>();
    Matcher m = ATTRIBUTE.matcher(html);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  @Test
  void theThreeFilesAreOnTheClassPath() throws IOException {
    for (String name : List.of("index.html", "app.js", "style.css")) {
      assertFalse(resource(name).isBlank(), name + " has content");
    }
  }

  @Test
  void indexReferencesOnlyLocalAssetsThatExist() throws IOException {
    List<String> references = references(resource("index.html"));
    assertTrue(references.contains("/dashboard/app.js"), "the script, by an absolute path: " + references);
    assertTrue(references.contains("/dashboard/style.css"), "the style sheet, by an absolute path: " + references);
    for (String ref : references) {
      assertFalse(ref.matches("(?i)^(https?:)?//.*"), "an external reference in index.html: " + ref);
      if (ref.startsWith("/dashboard/")) {
        resource(ref.substring("/dashboard/".length()));
      } else {
        // /dashboard is served by a reroute, so a relative path would resolve against / and miss
        assertTrue(ref.startsWith("data:") || ref.startsWith("#"), "neither under /dashboard/ nor inline: " + ref);
      }
    }
  }

  @Test
  void scriptAndStyleSheetFetchNothingFromElsewhere() throws IOException {
    for (String name : List.of("index.html", "app.js", "style.css")) {
      Matcher m = URL.matcher(resource(name));
      while (m.find()) {
        assertEquals(SVG_NAMESPACE, m.group(), "an external address in " + name);
      }
    }
    assertFalse(resource("style.css").contains("@import"), "style.css imports nothing");
  }
}
