package dev.lb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lb.BalancerProcess;
import dev.lb.Processes;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's headless Chromium through its chromedriver, nothing downloaded) against
 * the balancer started as its own JVM with its three replica processes: the cards come up, a replica added from the
 * page appears, a killed replica goes down and its replacement comes up, and a request id shows where it lands, all
 * pushed to the page without a reload. Leaves a screenshot in {@code verticles/target/dashboard.png}, the one the
 * README shows ({@code docs/dashboard.png}, copied from there).
 *
 * <p>Skipped when Chromium or chromedriver is missing, unless {@code LB_BROWSER_TESTS=required} (as in CI): then it
 * fails.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DashboardIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int WIDTH = 1280;
  private static final int HEIGHT = 800;
  private static final String UP = "[data-replica][data-state='up']";
  private static final String MARKER = "loaded once";

  private final Path logs = Path.of("target", "dashboard-it");
  private Path profile;
  private BalancerProcess balancer;
  private List<ProcessHandle> started = List.of();
  private int adminPort;
  private Vertx vertx;
  private WebClient client;
  private ChromeDriverService service;
  private ChromeDriver driver;
  private WebDriverWait wait;

  /** Skips (or, where required, fails) unless Debian's Chromium and its chromedriver are installed. */
  static void assumeBrowser() {
    String problem = null;
    if (!Files.isExecutable(CHROMIUM)) {
      problem = CHROMIUM + " is not installed (apt-get install chromium)";
    } else if (!Files.isExecutable(CHROMEDRIVER)) {
      problem = CHROMEDRIVER + " is not installed (apt-get install chromium-driver)";
    }
    if (problem != null) {
      if ("required".equals(System.getenv("LB_BROWSER_TESTS"))) {
        fail(problem + " (LB_BROWSER_TESTS=required)");
      }
      Assumptions.abort(problem);
    }
  }

  @BeforeEach
  void start() throws Exception {
    assumeBrowser();
    Files.createDirectories(logs);
    adminPort = BalancerProcess.freePort();
    balancer = BalancerProcess.start(Map.of("LB_ADMIN_PORT", String.valueOf(adminPort), "LB_REPLICAS", "3"),
        logs.resolve("balancer.log"));
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    // the admin listener is deployed before the balancers, so it answers once /rep does
    balancer.serving(vertx, 60_000).await(70, TimeUnit.SECONDS);
    started = balancer.process.descendants().toList();
    driver = browser();
    wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(100));
    // a card removed while a condition reads it: read again at the next poll
    wait.ignoring(StaleElementReferenceException.class);
  }

  private ChromeDriver browser() throws Exception {
    // the driver is named outright, so Selenium Manager never looks for one (the network is closed here)
    System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
    profile = Files.createTempDirectory("dashboard-it-chromium");
    service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
        .withLogFile(logs.resolve("chromedriver.log").toFile()).build();
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + profile,
        "--window-size=" + WIDTH + "," + HEIGHT);
    ChromeDriver chrome = new ChromeDriver(service, options);
    // the page itself 1280×800, whatever the window around it takes
    chrome.executeCdpCommand("Emulation.setDeviceMetricsOverride",
        Map.of("width", WIDTH, "height", HEIGHT, "deviceScaleFactor", 1, "mobile", false));
    return chrome;
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (driver != null) {
        driver.quit();
      } else if (service != null) {
        service.stop();
      }
    } finally {
      if (balancer != null) {
        List<ProcessHandle> replicas = balancer.process.descendants().toList();
        balancer.process.destroy();
        if (!balancer.process.waitFor(30, TimeUnit.SECONDS)) {
          balancer.process.destroyForcibly();
        }
        replicas.forEach(ProcessHandle::destroyForcibly);
        started.forEach(ProcessHandle::destroyForcibly);
      }
      if (vertx != null) {
        vertx.close().await(10, TimeUnit.SECONDS);
      }
      if (profile != null) {
        deleteTree(profile);
      }
    }
  }

  @Test
  void showsTheReplicasLiveAsTheyAreAddedKilledAndReplaced() throws Exception {
    driver.get("http://127.0.0.1:" + adminPort + "/dashboard");
    js("window.dashboardMarker = arguments[0];", MARKER);
    wait.withMessage("three replica cards, up").until(d -> cards(UP).size() == 3);
    wait.withMessage("the live indicator")
        .until(d -> "live".equals(d.findElement(By.id("live")).getDomAttribute("data-status")));
    long timer = traffic();

    Set<String> before = names(cards(UP));
    driver.findElement(By.id("add")).click();
    wait.withMessage("a fourth card, up").until(d -> cards(UP).size() == 4);
    String added = only(names(cards(UP)), before);
    wait.withMessage("the add reported").until(d -> d.findElement(By.id("message")).getText().contains("N = 4"));

    // one of the first three, so the page ends with the added one and the replacement side by side
    WebElement victim = cards(UP).stream().filter(c -> !added.equals(c.getDomAttribute("data-replica"))).findFirst()
        .orElseThrow();
    String victimName = victim.getDomAttribute("data-replica");
    long pid = Long.parseLong(victim.getDomAttribute("data-instance"));
    ProcessHandle process = balancer.process.descendants()
        .filter(p -> p.pid() == pid && Processes.arguments(p).contains("server")).findFirst()
        .orElseThrow(() -> new AssertionError("no replica process with pid " + pid + " for " + victimName));
    Set<String> alive = names(cards(UP));
    assertTrue(process.destroyForcibly(), "SIGKILL sent to " + victimName);

    wait.withMessage(victimName + "'s card down, replacing or gone").until(d -> {
      List<WebElement> card = d.findElements(By.cssSelector("[data-replica='" + victimName + "']"));
      return card.isEmpty() || Set.of("down", "replacing").contains(card.get(0).getDomAttribute("data-state"));
    });
    wait.withMessage("the log shows " + victimName + " down").until(d -> d.findElements(By.cssSelector(
        "#events [data-event='down'] .ev-replica")).stream().anyMatch(e -> e.getText().equals(victimName)));
    wait.withMessage("a replacement card, up, and four up in all").until(d -> {
      Set<String> up = names(cards(UP));
      return up.size() == 4 && !up.contains(victimName)
          && up.stream().anyMatch(n -> !alive.contains(n) && n.startsWith("replica-"));
    });
    String replacement = only(names(cards(UP)), alive);
    assertTrue(replacement.startsWith("replica-"), replacement);
    wait.withMessage("the killed replica's card gone once it is replaced")
        .until(d -> d.findElements(By.cssSelector("[data-replica='" + victimName + "']")).isEmpty());

    driver.findElement(By.id("key")).sendKeys("123456");
    driver.findElement(By.id("show")).click();
    Pattern landing = Pattern.compile("123456 → slot \\d+ → (.+)");
    wait.withMessage("where 123456 lands").until(d -> landing.matcher(d.findElement(By.id("lookup-result")).getText())
        .matches());
    var found = landing.matcher(driver.findElement(By.id("lookup-result")).getText());
    assertTrue(found.matches());
    assertTrue(names(cards(UP)).contains(found.group(1)), "the key lands on a live replica: " + found.group(1));
    assertFalse(driver.findElements(By.cssSelector("#ring-key polygon")).isEmpty(), "a pointer on the ring");
    wait.withMessage("traffic through the balancer shows on the replacement's card").until(d -> {
      String rps = d.findElement(By.cssSelector("[data-replica='" + replacement + "'] .rps")).getText();
      return !rps.equals("0.0") && !rps.equals("—");
    });
    vertx.cancelTimer(timer);

    assertEquals(MARKER, js("return window.dashboardMarker;"), "the page was never reloaded");
    screenshot();
  }

  private List<WebElement> cards(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  private static Set<String> names(List<WebElement> cards) {
    return cards.stream().map(c -> c.getDomAttribute("data-replica")).collect(Collectors.toSet());
  }

  private static String only(Set<String> now, Set<String> before) {
    List<String> fresh = now.stream().filter(n -> !before.contains(n)).toList();
    assertEquals(1, fresh.size(), "one new replica in " + now + " (before: " + before + ")");
    return fresh.get(0);
  }

  private Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** A few requests a second through the balancer, so the cards have traffic to show. */
  private long traffic() {
    return vertx.setPeriodic(20, t -> client.get(balancer.port, "127.0.0.1", "/home")
        .addQueryParam("id", String.valueOf(ThreadLocalRandom.current().nextInt(1_000_000))).timeout(2000).send());
  }

  private void screenshot() throws Exception {
    File shot = driver.getScreenshotAs(OutputType.FILE);
    Path target = Path.of("target", "dashboard.png");
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void deleteTree(Path root) throws Exception {
    try (var paths = Files.walk(root)) {
      paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    }
  }
}
