package dev.lb.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/** Failure codes of event-bus replies: HTTP status codes, so the HTTP side passes them through unchanged. */
public final class Failures {

  private Failures() {}

  public static final int BAD_REQUEST = 400;
  public static final int NOT_FOUND = 404;
  public static final int METHOD_NOT_ALLOWED = 405;
  public static final int INTERNAL = 500;
  public static final int BAD_GATEWAY = 502;
  public static final int UNAVAILABLE = 503;

  /**
   * The failure code a consumer answers {@code err} with: 400 bad input, 405 a change of a set the manager does not
   * own, 503 no quorum or deposed, else 500.
   */
  public static int codeFor(Throwable err) {
    if (err instanceof BadRequestException) {
      return BAD_REQUEST;
    }
    if (err instanceof NotManaged) {
      return METHOD_NOT_ALLOWED;
    }
    if (err instanceof NoSuchReplica) {
      return NOT_FOUND;
    }
    return err instanceof NoQuorum || err instanceof Deposed ? UNAVAILABLE : INTERNAL;
  }

  /** The HTTP status for a failed bus request or forward. */
  public static int statusFor(Throwable err) {
    if (err instanceof ReplyException re) {
      return re.failureType() == ReplyFailure.RECIPIENT_FAILURE ? re.failureCode() : UNAVAILABLE;
    }
    if (err instanceof BadRequestException || err instanceof NotManaged || err instanceof NoSuchReplica) {
      return codeFor(err);
    }
    return err instanceof NoQuorum || err instanceof Deposed ? UNAVAILABLE : BAD_GATEWAY;
  }

  /** The message to show for a failure, with the {@code <Error>} prefix of the API. */
  public static String messageFor(Throwable err) {
    if (err instanceof ReplyException re && re.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
      return "<Error> The replica manager did not answer (" + re.failureType().name().toLowerCase() + ")";
    }
    String text = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    return text.startsWith("<Error>") ? text : "<Error> " + text;
  }
}
