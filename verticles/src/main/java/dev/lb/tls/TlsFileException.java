package dev.lb.tls;

import java.nio.file.Path;

/**
 * A certificate or key file that cannot be used, said in one line that names the file, the setting it came from and
 * the reason: an expected mistake, reported without a stack trace. A configuration error, as the launcher counts them.
 */
public final class TlsFileException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  TlsFileException(Path file, String setting, String reason) {
    super(file + " (" + setting + "): " + reason);
  }
}
