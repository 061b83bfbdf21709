package dev.lb.bus;

/** Input that breaks the API's rules; its message is the {@code <Error> ...} text shown to the client. */
public final class BadRequestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public BadRequestException(String message) {
    super(message.startsWith("<Error>") ? message : "<Error> " + message, null, false, false);
  }
}
