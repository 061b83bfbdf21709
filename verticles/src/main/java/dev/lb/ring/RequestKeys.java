package dev.lb.ring;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.commons.codec.digest.MurmurHash3;

/** Turns what identifies a request into the integer key {@code i} that the ring hashes. */
public final class RequestKeys {

  private static final int MAX_DECIMAL_DIGITS = 18;

  private RequestKeys() {}

  /** A random 6-digit request id, as the assignment asks. */
  public static long random() {
    return ThreadLocalRandom.current().nextLong(100_000, 1_000_000);
  }

  /**
   * The key of an affinity value: a decimal number is used as it is (so {@code 123456} is the assignment's request
   * id {@code i = 123456}); anything else is reduced to 64 bits with MurmurHash3.
   */
  public static long of(String value) {
    if (isDecimal(value)) {
      return Long.parseLong(value);
    }
    return MurmurHash3.hash128x64(value.getBytes(StandardCharsets.UTF_8))[0];
  }

  private static boolean isDecimal(String value) {
    if (value.isEmpty() || value.length() > MAX_DECIMAL_DIGITS) {
      return false;
    }
    for (int k = 0; k < value.length(); k++) {
      char c = value.charAt(k);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
