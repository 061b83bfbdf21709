package dev.lb.http1;

import io.netty.buffer.ByteBuf;

/**
 * Where one message's body ends, read as it passes (RFC 9112 §6 and §7.1): a length counted down, or chunks whose
 * sizes, line ends and trailer lines are checked byte by byte while their data is only counted. The bytes are not
 * changed or kept: the relay passes them on as they came, and learns from {@link #feed} how many belong to this
 * message. A chunk size that is not hex or does not fit 60 bits, a bare LF, a chunk's data not followed by CRLF, a
 * trailer line that is no field line (a name of token characters, a colon, a value without control bytes), or a
 * trailer field that frames, routes or forwards a message ({@link KnownField}: a next hop that merged it into the
 * head would be told something the relay never checked) is a {@link BadMessage}.
 */
public final class BodyFramer {

  private enum State { LENGTH, UNTIL_CLOSE, SIZE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, TRAILER_NAME,
    TRAILER_LINE, TRAILER_LF, END_LF, DONE }

  private static final int MAX_SIZE_DIGITS = 15;
  private static final int MAX_EXTENSION = 4096;
  /** Longer than any {@link KnownField}'s name: a trailer's name is kept only this far to be looked up. */
  private static final int NAME_KEPT = 32;

  private final int maxTrailer;
  private State state;
  private long remaining;
  private int digits;
  private int lineBytes;
  private int trailerBytes;
  private byte[] name;
  private int nameLength;

  private BodyFramer(State state, long remaining, int maxTrailer) {
    this.state = state;
    this.remaining = remaining;
    this.maxTrailer = maxTrailer;
  }

  /** The framer of the body {@code head} announces; trailers up to {@code maxTrailer} bytes. */
  public static BodyFramer of(HttpHead head, int maxTrailer) {
    return switch (head.framing()) {
      case NONE -> new BodyFramer(State.DONE, 0, maxTrailer);
      case LENGTH -> new BodyFramer(State.LENGTH, head.contentLength(), maxTrailer);
      case CHUNKED -> new BodyFramer(State.SIZE, 0, maxTrailer);
      case UNTIL_CLOSE -> new BodyFramer(State.UNTIL_CLOSE, 0, maxTrailer);
    };
  }

  /** Whether the body's last byte was fed. */
  public boolean done() {
    return state == State.DONE;
  }

  /** Whether only the connection's end ends the body (a reply without a length). */
  public boolean untilClose() {
    return state == State.UNTIL_CLOSE;
  }

  /** Where a body's data goes when it is taken out of its framing (for a client that frames it its own way). */
  @FunctionalInterface
  public interface Data {
    /** The {@code length} bytes at {@code index} of {@code buf} are data (valid only during the call). */
    void data(ByteBuf buf, int index, int length);
  }

  /** How many of the bytes from {@code from} to {@code to} in {@code buf} belong to the body (all, until it is done). */
  public int feed(ByteBuf buf, int from, int to) {
    return feed(buf, from, to, null);
  }

  /** As {@link #feed(ByteBuf, int, int)}, telling {@code data} (if not null) where the body's data is, chunks unframed. */
  public int feed(ByteBuf buf, int from, int to, Data data) {
    int k = from;
    while (k < to && state != State.DONE) {
      switch (state) {
        case LENGTH -> {
          int n = (int) Math.min(remaining, to - k);
          if (data != null && n > 0) {
            data.data(buf, k, n);
          }
          k += n;
          remaining -= n;
          if (remaining == 0) {
            state = State.DONE;
          }
        }
        case UNTIL_CLOSE -> {
          if (data != null && to > k) {
            data.data(buf, k, to - k);
          }
          k = to;
        }
        case DATA -> {
          int n = (int) Math.min(remaining, to - k);
          if (data != null && n > 0) {
            data.data(buf, k, n);
          }
          k += n;
          remaining -= n;
          if (remaining == 0) {
            state = State.DATA_CR;
          }
        }
        default -> control(buf.getByte(k++));
      }
    }
    return k - from;
  }

  private void control(byte b) {
    switch (state) {
      case SIZE -> size(b);
      case EXTENSION -> {
        if (b == '\r') {
          state = State.SIZE_LF;
        } else if ((b < 0x20 && b != '\t') || b == 0x7f || ++lineBytes > MAX_EXTENSION) {
          throw new BadMessage("malformed chunk extension");
        }
      }
      case SIZE_LF -> {
        expect(b, '\n', "bare CR after a chunk size");
        state = remaining == 0 ? State.TRAILER : State.DATA;
      }
      case DATA_CR -> {
        expect(b, '\r', "chunk data not followed by CRLF");
        state = State.DATA_LF;
      }
      case DATA_LF -> {
        expect(b, '\n', "chunk data not followed by CRLF");
        state = State.SIZE;
        digits = 0;
      }
      case TRAILER -> {
        if (b == '\r') {
          state = State.END_LF;
        } else {
          state = State.TRAILER_NAME;
          nameLength = 0;
          trailerName(b);
        }
      }
      case TRAILER_NAME -> {
        if (b == ':' && nameLength > 0) {
          int kind = nameLength <= NAME_KEPT
              ? KnownField.lookup(io.netty.buffer.Unpooled.wrappedBuffer(name, 0, nameLength), 0, nameLength) : -1;
          if (kind >= 0 && !KnownField.VALUES[kind].mayTrail) {
            throw new BadMessage("a trailer field that frames, routes or forwards the message");
          }
          state = State.TRAILER_LINE;
          trailer();
        } else {
          trailerName(b);
        }
      }
      case TRAILER_LINE -> {
        if (b == '\r') {
          state = State.TRAILER_LF;
        } else if ((b < 0x20 && b != '\t') || b == 0x7f) {
          throw new BadMessage("malformed trailer");
        }
        trailer();
      }
      case TRAILER_LF -> {
        expect(b, '\n', "bare CR in a trailer");
        state = State.TRAILER;
      }
      case END_LF -> {
        expect(b, '\n', "bare CR after the last chunk");
        state = State.DONE;
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  private void size(byte b) {
    int hex = Character.digit(b, 16);
    if (hex >= 0) {
      if (++digits > MAX_SIZE_DIGITS) {
        throw new BadMessage("chunk size too large");
      }
      remaining = remaining * 16 + hex;
    } else if (digits > 0 && b == '\r') {
      state = State.SIZE_LF;
    } else if (digits > 0 && (b == ';' || b == ' ' || b == '\t')) {
      state = State.EXTENSION;
      lineBytes = 0;
    } else {
      throw new BadMessage("malformed chunk size");
    }
  }

  private void trailerName(byte b) {
    if (!HeadParser.isToken(b)) {
      throw new BadMessage("malformed trailer");
    }
    if (name == null) {
      name = new byte[NAME_KEPT];
    }
    if (nameLength < NAME_KEPT) {
      name[nameLength] = b;
    }
    nameLength++;
    trailer();
  }

  private void trailer() {
    if (++trailerBytes > maxTrailer) {
      throw new BadMessage(431, "trailers too large");
    }
  }

  private static void expect(byte b, char wanted, String fault) {
    if (b != wanted) {
      throw new BadMessage(fault);
    }
  }
}
