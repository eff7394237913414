package io.zeromesh.broker.zmtp;

import io.netty.buffer.ByteBuf;

/**
 * The ZMTP 3 framing codec, inbound half: pure, no I/O. {@link #decode} reads what is complete from
 * a cumulation buffer and leaves the rest: commands one at a time, data messages whole (every frame
 * up to the last without MORE), reported as a region of the buffer rather than a frame object each,
 * so that a device can pass the bytes on as they are.
 *
 * <p>It remembers how far it has already checked a partial multipart message, so a large message
 * arriving in many reads is scanned once.
 */
public final class FrameDecoder {
  /** Where decoded messages and commands go. */
  public interface Sink {
    /**
     * One whole message; {@code m} is reused and valid only during the call. Return false to stop
     * decoding (back-pressure): the message stays in the buffer and comes again on the next call.
     */
    boolean message(MessageView m) throws ZmtpException;

    /** One command frame, between messages. */
    void command(Command c) throws ZmtpException;
  }

  /** A decoded message: the wire bytes {@code [start, end)} of {@code buffer}, all its frames. */
  public static final class MessageView {
    public ByteBuf buffer;
    public int start;
    public int end;
    public int frames;
    public int firstBodyStart;
    public int firstBodyLength;

    /** Sum of the frames' body sizes (what the bytes metrics count). */
    public long payloadBytes;

    /** Where the second frame starts ({@code end} for a one-frame message). */
    public int secondFrameStart() {
      return firstBodyStart + firstBodyLength;
    }
  }

  /** No message bigger than this can be held in one buffer, whatever --max-msg-size says. */
  static final long HARD_LIMIT = Integer.MAX_VALUE - 64;

  private final long maxFrameSize;
  private final MessageView view = new MessageView();
  // Progress through a partial message, relative to the reader index.
  private int scanned;
  private int frames;
  private long payload;
  private int firstBodyOffset;
  private int firstBodyLength;

  /** {@code maxFrameSize} < 0: no limit but the hard one. */
  public FrameDecoder(long maxFrameSize) {
    this.maxFrameSize = maxFrameSize < 0 ? HARD_LIMIT : Math.min(maxFrameSize, HARD_LIMIT);
  }

  /**
   * Decodes every complete command and message readable in {@code in}, advancing its reader index
   * past each. Returns false when the sink asked to stop.
   */
  public boolean decode(ByteBuf in, Sink sink) throws ZmtpException {
    while (true) {
      int base = in.readerIndex();
      int pos = base + scanned;
      int limit = in.writerIndex();
      boolean done = false;
      while (!done) {
        if (limit - pos < 2) {
          return suspend(pos, base);
        }
        int flags = in.getUnsignedByte(pos);
        if (Frames.reservedBitsSet(flags)) {
          throw new ZmtpException("reserved frame flags set: " + flags);
        }
        long size;
        int header;
        if ((flags & Frames.LONG) != 0) {
          if (limit - pos < 9) {
            return suspend(pos, base);
          }
          size = in.getLong(pos + 1);
          header = 9;
        } else {
          size = in.getUnsignedByte(pos + 1);
          header = 2;
        }
        if (size < 0 || size > maxFrameSize) {
          throw new ZmtpException(
              ZmtpException.Kind.OVERSIZE, "frame of " + Long.toUnsignedString(size) + " bytes");
        }
        boolean command = (flags & Frames.COMMAND) != 0;
        if (command && frames > 0) {
          throw new ZmtpException("command frame inside a multipart message");
        }
        if (payload + size > HARD_LIMIT) {
          throw new ZmtpException(ZmtpException.Kind.OVERSIZE, "message above 2 GiB");
        }
        if (limit - pos - header < size) {
          return suspend(pos, base);
        }
        int bodyStart = pos + header;
        int next = bodyStart + (int) size;
        if (command) {
          if ((flags & Frames.MORE) != 0) {
            throw new ZmtpException("command frame with MORE set");
          }
          in.readerIndex(next);
          sink.command(Command.parse(in.slice(bodyStart, (int) size)));
          break;
        }
        if (frames == 0) {
          firstBodyOffset = bodyStart - base;
          firstBodyLength = (int) size;
        }
        frames++;
        payload += size;
        pos = next;
        done = (flags & Frames.MORE) == 0;
      }
      if (done) {
        MessageView m = view;
        m.buffer = in;
        m.start = base;
        m.end = pos;
        m.frames = frames;
        m.firstBodyStart = base + firstBodyOffset;
        m.firstBodyLength = firstBodyLength;
        m.payloadBytes = payload;
        scanned = 0;
        frames = 0;
        payload = 0;
        if (!sink.message(m)) {
          // Not taken: rescan it next time (the buffer may have been compacted meanwhile).
          return false;
        }
        in.readerIndex(pos);
      }
    }
  }

  private boolean suspend(int pos, int base) {
    scanned = pos - base;
    return true;
  }

  /**
   * After a {@link #decode} that took everything it could and left bytes in {@code in}: how many
   * more bytes it needs before it can go on, the rest of the frame header or frame body it stopped
   * in (at least 1). 0 when nothing is missing (the last call stopped at a message the sink did not
   * take), or when {@code in} has nothing left (the next bytes start a new frame anyway).
   *
   * <p>This is what lets a connection finish a message that straddles two reads by copying just its
   * missing bytes, and decode the rest of the new read where it lies.
   */
  public long wanted(ByteBuf in) {
    int pos = in.readerIndex() + scanned;
    int avail = in.writerIndex() - pos;
    if (!in.isReadable()) {
      return 0;
    }
    if (avail < 1) {
      return 2;
    }
    int flags = in.getUnsignedByte(pos);
    int header = (flags & Frames.LONG) != 0 ? 9 : 2;
    if (avail < header) {
      return header - avail;
    }
    long size = header == 9 ? in.getLong(pos + 1) : in.getUnsignedByte(pos + 1);
    return Math.max(0, header + size - avail);
  }
}
