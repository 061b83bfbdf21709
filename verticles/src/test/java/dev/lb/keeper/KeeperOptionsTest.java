package dev.lb.keeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeeperOptionsTest {

  @Test
  void whatTheBackendWritesTheKeeperReads() {
    List<String> args = KeeperOptions.arguments(2000, "10.0.0.2", 41000, 41001, "/health",
        List.of("python3", "app.py", "--port", "41001"));
    KeeperOptions options = KeeperOptions.parse(args.toArray(String[]::new));
    assertEquals(new KeeperOptions(2000, "10.0.0.2", 41000, "10.0.0.2:41001", "/health",
        List.of("python3", "app.py", "--port", "41001")), options);
  }

  @Test
  void aCommandLineWithoutItsPartsIsRefusedWithWhatIsMissing() {
    IllegalArgumentException noCommand = assertThrows(IllegalArgumentException.class,
        () -> KeeperOptions.parse(new String[] {"--lease-ms", "5", "--port", "1", "--service", "h:2", "--health-path", "/"}));
    assertTrue(noCommand.getMessage().startsWith("usage:"), noCommand.getMessage());
    IllegalArgumentException noLease = assertThrows(IllegalArgumentException.class,
        () -> KeeperOptions.parse(new String[] {"--port", "1", "--service", "h:2", "--health-path", "/", "--", "x"}));
    assertEquals("--lease-ms is required", noLease.getMessage());
    IllegalArgumentException badService = assertThrows(IllegalArgumentException.class, () -> KeeperOptions.parse(
        new String[] {"--lease-ms", "5", "--port", "1", "--service", "nohost", "--health-path", "/", "--", "x"}));
    assertTrue(badService.getMessage().contains("HOST:PORT"), badService.getMessage());
  }
}
