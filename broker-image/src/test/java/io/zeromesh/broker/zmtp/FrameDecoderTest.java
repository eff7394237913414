package io.zeromesh.broker.zmtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
  /** Collects what the decoder produced: each message as its frames' bodies, each command name. */
  static final class Collect implements FrameDecoder.Sink {
    final List<List<byte[]>> messages = new ArrayList<>();
    final List<String> commands = new ArrayList<>();
    int refuseAfter = Integer.MAX_VALUE;

    @Override
    public boolean message(FrameDecoder.MessageView m) {
      if (messages.size() >= refuseAfter) {
        return false;
      }
      List<byte[]> frames = new ArrayList<>();
      int pos = m.start;
      long payload = 0;
      for (int i = 0; i < m.frames; i++) {
        int flags = m.buffer.getUnsignedByte(pos);
        long size =
            (flags & Frames.LONG) != 0
                ? m.buffer.getLong(pos + 1)
                : m.buffer.getUnsignedByte(pos + 1);
        int body = pos + ((flags & Frames.LONG) != 0 ? 9 : 2);
        byte[] b = new byte[(int) size];
        m.buffer.getBytes(body, b);
        frames.add(b);
        payload += size;
        pos = body + (int) size;
        if (i == 0) {
          assertEquals(body, m.firstBodyStart);
          assertEquals(size, m.firstBodyLength);
        }
      }
      assertEquals(m.end, pos, "message region ends after its last frame");
      assertEquals(payload, m.payloadBytes);
      messages.add(frames);
      return true;
    }

    @Override
    public void command(Command c) {
      commands.add(c.name());
    }
  }

  static byte[] encode(List<byte[]> message) {
    ByteBuf b = Unpooled.buffer();
    for (int i = 0; i < message.size(); i++) {
      Frames.writeFrame(b, i < message.size() - 1 ? Frames.MORE : 0, message.get(i));
    }
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    return out;
  }

  @Test
  void messagesAndCommandsSplitAtEveryByteDecodeTheSame() throws ZmtpException {
    List<byte[]> m1 = List.of("topic".getBytes(), new byte[300], new byte[0]);
    List<byte[]> m2 = List.of(new byte[] {1, 2, 3});
    ByteBuf all = Unpooled.buffer();
    all.writeBytes(encode(m1));
    all.writeBytes(Frames.command(all.alloc(), Command.PING, new byte[] {0, 0}));
    all.writeBytes(encode(m2));
    byte[] wire = new byte[all.readableBytes()];
    all.readBytes(wire);
    for (int split = 0; split <= wire.length; split++) {
      FrameDecoder d = new FrameDecoder(-1);
      Collect c = new Collect();
      ByteBuf cum = Unpooled.buffer();
      cum.writeBytes(wire, 0, split);
      d.decode(cum, c);
      cum.discardReadBytes(); // the buffer moves between reads, as a cumulation does
      cum.writeBytes(wire, split, wire.length - split);
      d.decode(cum, c);
      assertEquals(2, c.messages.size(), "split at " + split);
      assertEquals(List.of("PING"), c.commands);
      assertArrayEquals(new byte[300], c.messages.get(0).get(1));
      assertArrayEquals(new byte[] {1, 2, 3}, c.messages.get(1).get(0));
      assertFalse(cum.isReadable());
    }
  }

  /**
   * What a connection does when a read ends inside a message: it copies only the bytes {@code
   * wanted} asks for until the message is whole, then decodes the next read in place. Split at
   * every byte (inside headers, long headers and bodies, between frames), the messages are the
   * same.
   */
  @Test
  void wantedBytesFinishASplitMessageAndNothingMore() throws ZmtpException {
    List<byte[]> m1 = List.of("topic".getBytes(), new byte[300], new byte[0], new byte[7]);
    List<byte[]> m2 = List.of(new byte[] {1, 2, 3});
    ByteBuf all = Unpooled.buffer();
    all.writeBytes(encode(m1));
    all.writeBytes(encode(m2));
    all.writeBytes(encode(m1));
    byte[] wire = new byte[all.readableBytes()];
    all.readBytes(wire);
    int firstEnd = encode(m1).length;
    for (int split = 1; split < wire.length; split++) {
      FrameDecoder d = new FrameDecoder(-1);
      Collect c = new Collect();
      ByteBuf cum = Unpooled.buffer();
      cum.writeBytes(wire, 0, split);
      d.decode(cum, c);
      ByteBuf next = Unpooled.wrappedBuffer(wire, split, wire.length - split);
      int copied = 0;
      long want;
      while (cum.isReadable() && (want = d.wanted(cum)) > 0) {
        assertTrue(want <= next.readableBytes(), "split " + split + ": wants what exists");
        cum.writeBytes(next, (int) want);
        copied += (int) want;
        d.decode(cum, c);
      }
      assertFalse(cum.isReadable(), "split " + split + ": the message finished");
      int secondEnd = firstEnd + encode(m2).length;
      int messageEnd = split <= firstEnd ? firstEnd : split <= secondEnd ? secondEnd : wire.length;
      assertEquals(messageEnd - split, copied, "split " + split + ": only the missing bytes");
      assertEquals(0, d.wanted(cum), "a drained buffer wants nothing");
      d.decode(next, c);
      assertFalse(next.isReadable());
      assertEquals(3, c.messages.size(), "split " + split);
      assertArrayEquals(new byte[300], c.messages.get(0).get(1));
      assertArrayEquals(new byte[] {1, 2, 3}, c.messages.get(1).get(0));
      assertEquals(4, c.messages.get(2).size());
    }
  }

  @Test
  void aRefusedMessageComesAgainOnTheNextCall() throws ZmtpException {
    ByteBuf cum =
        Unpooled.wrappedBuffer(encode(List.of("a".getBytes())), encode(List.of("b".getBytes())));
    FrameDecoder d = new FrameDecoder(-1);
    Collect c = new Collect();
    c.refuseAfter = 1;
    assertFalse(d.decode(cum, c));
    assertEquals(1, c.messages.size());
    c.refuseAfter = 2;
    assertTrue(d.decode(cum, c));
    assertArrayEquals("b".getBytes(), c.messages.get(1).get(0));
  }

  @Test
  void limitsAndMalformedFramesAreErrors() {
    FrameDecoder d = new FrameDecoder(10);
    ZmtpException e =
        assertThrows(
            ZmtpException.class,
            () -> d.decode(Unpooled.wrappedBuffer(encode(List.of(new byte[11]))), new Collect()));
    assertEquals(ZmtpException.Kind.OVERSIZE, e.kind());
    ByteBuf huge = Unpooled.buffer().writeByte(Frames.LONG).writeLong(1L << 62);
    assertEquals(
        ZmtpException.Kind.OVERSIZE,
        assertThrows(ZmtpException.class, () -> new FrameDecoder(-1).decode(huge, new Collect()))
            .kind());
    ByteBuf reserved = Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 0});
    assertThrows(ZmtpException.class, () -> new FrameDecoder(-1).decode(reserved, new Collect()));
    ByteBuf commandInMessage = Unpooled.buffer().writeByte(Frames.MORE).writeByte(0);
    commandInMessage.writeBytes(Frames.command(commandInMessage.alloc(), "PING", new byte[2]));
    assertThrows(
        ZmtpException.class, () -> new FrameDecoder(-1).decode(commandInMessage, new Collect()));
  }

  /**
   * Seeded, reproducible: millions of random and mutated byte streams, fed in random pieces, never
   * crash the decoder with anything but a ZmtpException, never loop, and never report a message
   * region outside what was fed.
   */
  @Test
  void randomAndMutatedStreamsOnlyEverFailCleanly() {
    Random r = new Random(20261203L);
    byte[] good = encode(List.of("weather.".getBytes(), new byte[700], "x".getBytes()));
    long bytes = 0;
    int errors = 0;
    for (int round = 0; round < 200_000; round++) {
      byte[] input;
      if (r.nextBoolean()) {
        input = new byte[r.nextInt(200)];
        r.nextBytes(input);
      } else {
        input = Arrays.copyOf(good, good.length);
        for (int k = 1 + r.nextInt(4); k > 0; k--) {
          input[r.nextInt(input.length)] = (byte) r.nextInt(256);
        }
        if (r.nextBoolean()) {
          input = Arrays.copyOf(input, r.nextInt(input.length + 1));
        }
      }
      bytes += input.length;
      FrameDecoder d = new FrameDecoder(r.nextBoolean() ? -1 : 1024);
      Collect c = new Collect();
      ByteBuf cum = Unpooled.buffer();
      int at = 0;
      try {
        while (at < input.length) {
          int n = 1 + r.nextInt(input.length - at);
          cum.writeBytes(input, at, n);
          at += n;
          d.decode(cum, c);
          assertTrue(cum.readerIndex() <= cum.writerIndex());
        }
      } catch (ZmtpException expected) {
        errors++;
      }
    }
    assertTrue(bytes > 10_000_000, "fed " + bytes + " bytes");
    assertTrue(errors > 1000, "mutations were caught: " + errors);
  }

  @Test
  void greetingsAreCheckedAsEarlyAsTheBytesAllow() throws ZmtpException {
    assertThrows(
        ZmtpException.class, () -> Greeting.read(Unpooled.wrappedBuffer(new byte[] {'G'})));
    ByteBuf v2 = Unpooled.buffer().writeByte(0xFF).writeZero(8).writeByte(0x7F).writeByte(2);
    assertThrows(ZmtpException.class, () -> Greeting.read(v2));
    ByteBuf partial = Unpooled.buffer().writeByte(0xFF);
    assertEquals(null, Greeting.read(partial));
    ByteBuf ours = Unpooled.buffer();
    Greeting.write(ours, "NULL", true);
    Greeting g = Greeting.read(ours);
    assertEquals(new Greeting(3, 1, "NULL", true), g);
    assertTrue(g.hasCommands31());
    assertFalse(new Greeting(3, 0, "NULL", false).hasCommands31());
  }

  @Test
  void metadataRoundTripsAndRejectsTruncation() throws ZmtpException {
    ByteBuf b = Unpooled.buffer();
    new Metadata().put("Socket-Type", "DEALER").put("Identity", new byte[] {1, 2}).write(b);
    Metadata m = Metadata.read(b.copy());
    assertEquals("DEALER", m.socketType());
    assertArrayEquals(new byte[] {1, 2}, m.get("identity"));
    assertThrows(ZmtpException.class, () -> Metadata.read(b.copy(0, b.readableBytes() - 1)));
  }

  @Test
  void socketTypeCompatibilityFollowsRfc37() {
    assertTrue(SocketType.ROUTER.accepts(SocketType.REQ));
    assertTrue(SocketType.ROUTER.accepts(SocketType.DEALER));
    assertFalse(SocketType.ROUTER.accepts(SocketType.PUSH));
    assertTrue(SocketType.DEALER.accepts(SocketType.REP));
    assertTrue(SocketType.XPUB.accepts(SocketType.SUB));
    assertFalse(SocketType.XPUB.accepts(SocketType.PUB));
    assertTrue(SocketType.XSUB.accepts(SocketType.PUB));
    assertTrue(SocketType.PULL.accepts(SocketType.PUSH));
    assertFalse(SocketType.PUSH.accepts(SocketType.PUSH));
    for (SocketType a : SocketType.values()) {
      for (SocketType b : SocketType.values()) {
        assertEquals(a.accepts(b), b.accepts(a), a + "/" + b + " is symmetric");
      }
    }
  }
}
