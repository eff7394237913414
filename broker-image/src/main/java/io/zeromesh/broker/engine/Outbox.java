package io.zeromesh.broker.engine;

import io.netty.buffer.ByteBuf;

/**
 * What a device has for one peer in the current decode pass and has not written yet, so that many
 * messages leave as one write instead of one channel write (and one iovec) each: a run of
 * consecutive input bytes (a slice, no copy), or small messages copied one after another into one
 * buffer (when they are not consecutive in the input, or need an envelope in front). It holds at
 * most {@code cap} messages, and never more than the peer's HWM allows: pending messages count
 * towards {@link #full()}, and reaching the HWM writes them at once, so the HWM stays exact.
 * Everything pending is written at the end of each decode pass ({@link DeviceCore#emitAll()}),
 * before the input buffer can move.
 */
final class Outbox {
  /** Messages up to this size are copied when they cannot extend a run. */
  static final int COPY_MAX = 2048;

  /** The most bytes one copy buffer gathers before it is written. */
  static final int COPY_LIMIT = 64 * 1024;

  final Peer peer;
  private final int hwm;
  private final int cap;
  private final DeviceCore core;
  private ByteBuf run;
  private int runStart;
  private int runEnd;
  private ByteBuf copy;
  private int messages;
  private long bytes;

  /** Listed in the device's open outboxes (written at the end of the pass). */
  boolean listed;

  /** Fan-out de-duplication: the number of the last message given to this peer. */
  long lastMessage;

  Outbox(Peer peer, int hwm, DeviceCore core) {
    this.peer = peer;
    this.hwm = hwm;
    this.cap = flushEvery(hwm);
    this.core = core;
  }

  /** As often as {@link Peer} flushes by itself: min(256, HWM/4) messages. */
  static int flushEvery(int hwm) {
    return hwm > 0 ? Math.max(1, Math.min(256, hwm / 4)) : 256;
  }

  /** True when the peer's queue plus what is pending here has reached the HWM (0 = none). */
  boolean full() {
    return hwm > 0 && peer.queued() + messages >= hwm;
  }

  /** Pending messages (not yet handed to the peer). */
  int pending() {
    return messages;
  }

  /** Adds wire bytes {@code [from, to)} of {@code buf}: one whole message. */
  void add(ByteBuf buf, int from, int to, long payloadBytes) {
    int len = to - from;
    if (messages > 0) {
      if (run == buf && runEnd == from) {
        runEnd = to;
        count(payloadBytes);
        return;
      }
      if (len <= COPY_MAX && (run == null || runEnd - runStart <= COPY_MAX)) {
        ensureCopy(buf, from, len);
        if (copy.writerIndex() + len <= COPY_LIMIT) {
          copy.writeBytes(buf, from, len);
          count(payloadBytes);
          return;
        }
      }
      emit();
    }
    run = buf;
    runStart = from;
    runEnd = to;
    count(payloadBytes);
  }

  /** Adds {@code envelope} (a frame, written whole) and then wire bytes {@code [from, to)}. */
  void addEnveloped(ByteBuf envelope, ByteBuf buf, int from, int to, long payloadBytes) {
    int envLen = envelope.readableBytes();
    int len = envLen + to - from;
    if (len > COPY_MAX) {
      emit();
      peer.writeControl(envelope.retainedDuplicate());
      peer.write(buf.retainedSlice(from, to - from), 1, payloadBytes);
      return;
    }
    if (messages > 0 && run != null && runEnd - runStart > COPY_MAX) {
      emit();
    }
    ensureCopy(buf, from, len);
    if (copy.writerIndex() + len > COPY_LIMIT) {
      emit();
      ensureCopy(buf, from, len);
    }
    if (envelope.hasArray()) {
      // From the array: a heap buffer as the source takes the pooled buffer's NIO path, which
      // cost more than the message's own copy (a quarter of the queue's Java time in a profile).
      copy.writeBytes(envelope.array(), envelope.arrayOffset() + envelope.readerIndex(), envLen);
    } else {
      copy.writeBytes(envelope, envelope.readerIndex(), envLen);
    }
    copy.writeBytes(buf, from, to - from);
    count(payloadBytes);
  }

  /**
   * Makes the copy buffer, moving a pending run into it; sized for what is left in {@code buf}
   * (plus a little for envelopes), so one message does not take a large buffer.
   */
  private void ensureCopy(ByteBuf buf, int from, int len) {
    if (copy != null) {
      return;
    }
    int runLen = run == null ? 0 : runEnd - runStart;
    int rest = buf.writerIndex() - from;
    int hint = runLen + len + rest + (rest >> 3) + 64;
    copy = peer.channel.alloc().directBuffer(Math.min(COPY_LIMIT, hint));
    if (run != null) {
      copy.writeBytes(run, runStart, runLen);
      run = null;
    }
  }

  private void count(long payloadBytes) {
    messages++;
    bytes += payloadBytes;
    if (!listed) {
      listed = true;
      core.open(this);
    }
    if (messages >= cap || full()) {
      emit();
    }
  }

  /** Hands what is pending to the peer (as one write); a no-op when nothing is. */
  void emit() {
    if (messages == 0) {
      return;
    }
    ByteBuf out;
    if (copy != null) {
      out = copy;
      copy = null;
    } else {
      out = run.retainedSlice(runStart, runEnd - runStart);
    }
    run = null;
    int n = messages;
    long b = bytes;
    messages = 0;
    bytes = 0;
    peer.write(out, n, b);
  }

  /** Forgets what is pending (the peer left). */
  void discard() {
    if (copy != null) {
      copy.release();
      copy = null;
    }
    run = null;
    messages = 0;
    bytes = 0;
  }
}
