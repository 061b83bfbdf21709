package dev.lb.replica;

import dev.lb.bus.BadRequestException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one rule for replica names, used everywhere a name enters the system: 1–63 letters, digits, spaces,
 * {@code _ . -}, starting with a letter or digit and not ending with a space. Such a name can never reach a shell,
 * a command-line flag or a path as anything but itself.
 */
public final class ReplicaNames {

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9 _.-]{0,61}[A-Za-z0-9_.-])?");

  private ReplicaNames() {}

  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
  }

  /** {@code name} if it is valid; otherwise a {@link BadRequestException} that says why. */
  public static String check(String name) {
    if (!isValid(name)) {
      throw new BadRequestException("Invalid hostname '" + printable(name) + "': use 1-63 letters, digits, spaces,"
          + " '_', '.' or '-', starting with a letter or digit");
    }
    return name;
  }

  /**
   * A form of a valid name fit for DNS labels and container names: lower case, spaces and {@code _} turned into
   * {@code -}. Different names may share a safe form, so backends add a unique suffix where that matters.
   */
  public static String safe(String name) {
    return check(name).toLowerCase(Locale.ROOT).replace(' ', '-').replace('_', '-');
  }

  private static String printable(String name) {
    if (name == null) {
      return "null";
    }
    String shown = name.length() > 70 ? name.substring(0, 70) + "..." : name;
    StringBuilder out = new StringBuilder();
    shown.codePoints().forEach(c -> {
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
  }
}
