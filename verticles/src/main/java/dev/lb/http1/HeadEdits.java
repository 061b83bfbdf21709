package dev.lb.http1;

import io.netty.buffer.ByteBuf;

/**
 * What a request's own edits do to its head as {@link HeadWriter} writes it on, beyond the forwarding fields: fields
 * of the client's left out, and lines of the balancer's added.
 */
public interface HeadEdits {

  /** No edits. */
  HeadEdits NONE = new HeadEdits() {
    @Override
    public boolean drops(KnownField kind) {
      return false;
    }

    @Override
    public void append(ByteBuf out) {
    }
  };

  /** Whether the client's fields of {@code kind} are left out (this edit writes its own). */
  boolean drops(KnownField kind);

  /** Writes this edit's field lines, each ending in CRLF, at {@code out}'s writer index. */
  void append(ByteBuf out);
}
