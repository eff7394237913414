package io.zeromesh.broker.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zeromesh.broker.device.DeviceConfig;
import io.zeromesh.broker.device.DeviceMetrics.Side;
import io.zeromesh.broker.log.Log;
import io.zeromesh.broker.zmtp.Frames;
import io.zeromesh.broker.zmtp.Metadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** The zmtp engine against raw ZMTP 3.0 peers, subscription churn and hostile byte streams. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ZmtpEngineTest {
  private static final Log LOG = new Log(new PrintStream(System.err, true), false, Log.Level.WARN);
  private static final Duration BOUND = Duration.ofSeconds(20);

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  record Running(ZmtpDevice device, int front, int back) implements AutoCloseable {
    String frontend() {
      return "tcp://127.0.0.1:" + front;
    }

    String backend() {
      return "tcp://127.0.0.1:" + back;
    }

    @Override
    public void close() {
      device.shutdown();
    }
  }

  static Running start(String mode, String... extra) throws IOException {
    int f = freePort();
    int b = freePort();
    List<String> args = new ArrayList<>();
    args.add("--frontend-port=" + f);
    args.add("--backend-port=" + b);
    args.add("--admin-port=" + freePort());
    args.add("--bind-address=127.0.0.1");
    args.add("--linger-ms=0");
    args.addAll(List.of(extra));
    return new Running(ZmtpDevice.start(DeviceConfig.parse(mode, args, Map.of()), LOG), f, b);
  }

  /** A hand-made ZMTP 3.0 peer: greeting of version 3.0, NULL READY, then raw frames. */
  static Socket zmtp30(int port, String socketType) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(10_000);
    ByteBuf out = Unpooled.buffer();
    out.writeByte(0xFF).writeZero(8).writeByte(0x7F).writeByte(3).writeByte(0);
    out.writeBytes("NULL".getBytes(StandardCharsets.US_ASCII)).writeZero(16);
    out.writeByte(0).writeZero(31);
    out.writeBytes(Frames.ready(out.alloc(), new Metadata().put(Metadata.SOCKET_TYPE, socketType)));
    write(s, out);
    InputStream in = s.getInputStream();
    byte[] greeting = in.readNBytes(64);
    assertEquals(64, greeting.length, "the device's greeting");
    assertEquals(3, greeting[10]);
    int flags = in.read();
    assertEquals(Frames.COMMAND, flags, "READY follows");
    byte[] ready = in.readNBytes(in.read());
    assertTrue(new String(ready, StandardCharsets.US_ASCII).contains("READY"));
    return s;
  }

  static void write(Socket s, ByteBuf b) throws IOException {
    byte[] bytes = new byte[b.readableBytes()];
    b.readBytes(bytes);
    OutputStream o = s.getOutputStream();
    o.write(bytes);
    o.flush();
  }

  static ByteBuf frame(int flags, String body) {
    ByteBuf b = Unpooled.buffer();
    Frames.writeFrame(b, flags, body.getBytes(StandardCharsets.UTF_8));
    return b;
  }

  @Test
  void zmtp30PushersAndSubscribersAreServed() throws IOException {
    try (Running s = start("streamer");
        ZContext ctx = new ZContext();
        Socket push = zmtp30(s.front, "PUSH")) {
      ZMQ.Socket pull = ctx.createSocket(SocketType.PULL);
      pull.setReceiveTimeOut((int) BOUND.toMillis());
      pull.setHandshakeIvl(1000); // a stalled JeroMQ greeting reconnects
      pull.connect(s.backend());
      for (int i = 0; i < 100; i++) {
        write(push, frame(Frames.MORE, "part" + i));
        write(push, frame(0, "last" + i));
      }
      for (int i = 0; i < 100; i++) {
        assertEquals("part" + i, pull.recvStr());
        assertTrue(pull.hasReceiveMore());
        assertEquals("last" + i, pull.recvStr());
      }
    }
    try (Running f = start("forwarder");
        ZContext ctx = new ZContext();
        Socket sub = zmtp30(f.back, "SUB")) {
      ByteBuf subscribe = Unpooled.buffer();
      Frames.writeFrame(subscribe, 0, new byte[] {1, 'a'});
      write(sub, subscribe);
      await().atMost(BOUND).until(() -> f.device().metrics().subscriptions() == 1);
      ZMQ.Socket pub = ctx.createSocket(SocketType.PUB);
      pub.setHandshakeIvl(1000); // a stalled JeroMQ greeting reconnects
      pub.connect(f.frontend());
      InputStream in = sub.getInputStream();
      sub.setSoTimeout(100);
      long until = System.nanoTime() + BOUND.toNanos();
      byte[] got = null;
      while (got == null && System.nanoTime() < until) {
        pub.send("b-not-yours");
        pub.send("a-yours");
        try {
          int flags = in.read();
          assertEquals(0, flags);
          got = in.readNBytes(in.read());
        } catch (java.net.SocketTimeoutException notYet) {
          // the publisher has not had the subscription yet
        }
      }
      assertEquals("a-yours", got == null ? null : new String(got, StandardCharsets.UTF_8));
    }
  }

  /** One message as the wire carries it: its frames, MORE on all but the last. */
  static byte[] wire(List<byte[]> frames) {
    ByteBuf b = Unpooled.buffer();
    for (int i = 0; i < frames.size(); i++) {
      Frames.writeFrame(b, i < frames.size() - 1 ? Frames.MORE : 0, frames.get(i));
    }
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    return out;
  }

  /** Reads one whole message's wire bytes (data frames up to one without MORE). */
  static byte[] readMessage(InputStream in) throws IOException {
    java.io.ByteArrayOutputStream m = new java.io.ByteArrayOutputStream();
    int flags;
    do {
      flags = in.read();
      if (flags < 0) {
        throw new java.io.EOFException("after " + m.size() + " bytes of a message");
      }
      m.write(flags);
      long size;
      if ((flags & Frames.LONG) != 0) {
        byte[] n = in.readNBytes(8);
        m.write(n);
        size = java.nio.ByteBuffer.wrap(n).getLong();
      } else {
        size = in.read();
        m.write((int) size);
      }
      m.write(in.readNBytes((int) size));
    } while ((flags & Frames.MORE) != 0);
    return m.toByteArray();
  }

  /**
   * Seeded: messages of 1 to 12 frames (short and long frames, empty ones) written by a raw pusher
   * and a raw publisher in random pieces, so the device's reads end anywhere, inside headers and
   * bodies included; each arrives whole, in order, byte for byte, at a raw worker and subscriber.
   * The streamer runs with a small HWM and a worker that stalls now and then, so messages are also
   * held while later reads arrive.
   */
  @Test
  void messagesSplitAcrossReadsArriveWholeAndInOrder() throws Exception {
    Random r = new Random(20261204L);
    List<byte[]> messages = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      int frames = r.nextInt(10) == 0 ? 1 + r.nextInt(12) : 1;
      List<byte[]> f = new ArrayList<>();
      for (int k = 0; k < frames; k++) {
        int size =
            switch (r.nextInt(8)) {
              case 0 -> 0;
              case 1 -> 256 + r.nextInt(3000);
              default -> r.nextInt(256);
            };
        byte[] body = new byte[size];
        r.nextBytes(body);
        f.add(body);
      }
      messages.add(wire(f));
    }
    ByteBuf all = Unpooled.buffer();
    messages.forEach(all::writeBytes);
    byte[] stream = new byte[all.readableBytes()];
    all.readBytes(stream);
    for (String mode : List.of("streamer", "forwarder")) {
      // The forwarder drops at a subscriber's HWM: none here, every message must arrive.
      String[] flags = {mode.equals("streamer") ? "--sndhwm=5" : "--sndhwm=0"};
      try (Running d = start(mode, flags);
          Socket receiver = zmtp30(d.back, mode.equals("streamer") ? "PULL" : "SUB")) {
        if (mode.equals("forwarder")) {
          ByteBuf subscribe = Unpooled.buffer();
          Frames.writeFrame(subscribe, 0, new byte[] {1});
          write(receiver, subscribe);
          await().atMost(BOUND).until(() -> d.device().metrics().subscriptions() == 1);
        }
        try (Socket sender = zmtp30(d.front, mode.equals("streamer") ? "PUSH" : "PUB")) {
          sender.setTcpNoDelay(true);
          if (mode.equals("forwarder")) {
            // The device subscribes its publishers to what its subscribers hold: 0x01 and "".
            InputStream sin = sender.getInputStream();
            assertEquals(0, sin.read());
            assertEquals(1, sin.read());
            assertEquals(1, sin.read());
          }
          Random pieces = new Random(r.nextLong());
          Thread writer =
              new Thread(
                  () -> {
                    try {
                      OutputStream o = sender.getOutputStream();
                      int at = 0;
                      while (at < stream.length) {
                        int n = Math.min(stream.length - at, 1 + pieces.nextInt(4000));
                        o.write(stream, at, n);
                        o.flush();
                        at += n;
                        if (pieces.nextInt(4) == 0) {
                          Thread.sleep(1); // let the device read what is there
                        }
                      }
                    } catch (IOException | InterruptedException e) {
                      throw new IllegalStateException(e);
                    }
                  });
          writer.start();
          InputStream in = receiver.getInputStream();
          Random stalls = new Random(r.nextLong());
          for (int i = 0; i < messages.size(); i++) {
            if (mode.equals("streamer") && stalls.nextInt(200) == 0) {
              Thread.sleep(20); // the worker's HWM fills: the device holds the pusher
            }
            byte[] got = readMessage(in);
            assertTrue(
                java.util.Arrays.equals(messages.get(i), got),
                mode + ": message " + i + " of " + messages.size() + " arrived intact");
          }
          writer.join(BOUND.toMillis());
        }
        await()
            .atMost(BOUND)
            .until(() -> d.device().metrics().messagesIn(Side.FRONTEND) == messages.size());
      }
    }
  }

  /**
   * 100 rounds: while other subscribers disconnect, a new one subscribes; every round it receives
   * its topic, and the reference counts come back to exactly the one long-lived subscriber.
   */
  @Test
  void subscriptionChurnLosesNoSubscription() throws IOException {
    try (Running f = start("forwarder");
        ZContext ctx = new ZContext()) {
      ctx.setLinger(0);
      ZMQ.Socket pub = ctx.createSocket(SocketType.PUB);
      pub.setHandshakeIvl(1000); // a stalled JeroMQ greeting reconnects
      pub.connect(f.frontend());
      ZMQ.Socket steady = ctx.createSocket(SocketType.SUB);
      steady.setHandshakeIvl(1000);
      steady.subscribe("t");
      steady.connect(f.backend());
      await().atMost(BOUND).until(() -> f.device().metrics().subscriptions() == 1);
      List<ZMQ.Socket> others = new ArrayList<>();
      for (int round = 0; round < 100; round++) {
        for (ZMQ.Socket o : others) {
          ctx.destroySocket(o);
        }
        others.clear();
        ZMQ.Socket fresh = ctx.createSocket(SocketType.SUB);
        fresh.setHandshakeIvl(1000);
        fresh.setReceiveTimeOut(50);
        String topic = "t" + round;
        fresh.subscribe(topic);
        fresh.connect(f.backend());
        for (int k = 0; k < 3; k++) {
          ZMQ.Socket o = ctx.createSocket(SocketType.SUB);
          o.setHandshakeIvl(1000);
          o.subscribe(topic);
          o.subscribe("t");
          o.connect(f.backend());
          others.add(o);
        }
        long until = System.nanoTime() + BOUND.toNanos();
        String got = null;
        while (got == null && System.nanoTime() < until) {
          pub.send(topic + " round");
          got = fresh.recvStr();
        }
        assertEquals(topic + " round", got, "round " + round);
        ctx.destroySocket(fresh);
      }
      for (ZMQ.Socket o : others) {
        ctx.destroySocket(o);
      }
      // Only the steady subscriber's "t" is left, counted once.
      await().atMost(BOUND).until(() -> f.device().metrics().subscriptions() == 1);
      await().atMost(BOUND).until(() -> f.device().metrics().peers(Side.BACKEND) == 1);
    }
  }

  /**
   * Seeded: thousands of connections sending random bytes, mutated greetings and mutated frames
   * after a valid handshake, to both ports of a running streamer; a good pusher and worker are
   * served throughout and the device stays up.
   */
  @Test
  void randomAndMutatedStreamsCostGoodPeersNothing() throws Exception {
    try (Running s = start("streamer", "--max-msg-size=4096");
        ZContext ctx = new ZContext()) {
      ctx.setLinger(0);
      ZMQ.Socket pull = ctx.createSocket(SocketType.PULL);
      pull.setReceiveTimeOut((int) BOUND.toMillis());
      pull.setHandshakeIvl(1000);
      pull.connect(s.backend());
      ZMQ.Socket push = ctx.createSocket(SocketType.PUSH);
      push.setHandshakeIvl(1000);
      push.connect(s.frontend());
      await().atMost(BOUND).until(() -> s.device().metrics().peers(Side.BACKEND) == 1);
      Random r = new Random(42);
      int sent = 0;
      for (int i = 0; i < 2000; i++) {
        int port = r.nextBoolean() ? s.front : s.back;
        try (Socket bad = new Socket()) {
          bad.connect(new InetSocketAddress("127.0.0.1", port), 5000);
          bad.setSoLinger(true, 0);
          ByteBuf b = Unpooled.buffer();
          switch (r.nextInt(3)) {
            case 0 -> {
              byte[] junk = new byte[1 + r.nextInt(512)];
              r.nextBytes(junk);
              b.writeBytes(junk);
            }
            case 1 -> {
              io.zeromesh.broker.zmtp.Greeting.write(b, "NULL", false);
              b.setByte(r.nextInt(64), r.nextInt(256));
            }
            default -> {
              io.zeromesh.broker.zmtp.Greeting.write(b, "NULL", false);
              b.writeBytes(Frames.ready(b.alloc(), new Metadata().put("Socket-Type", "PUSH")));
              byte[] junk = new byte[1 + r.nextInt(64)];
              r.nextBytes(junk);
              b.writeBytes(junk);
            }
          }
          write(bad, b);
        } catch (IOException closedByDevice) {
          // the device hung up first: fine
        }
        if (i % 20 == 0) {
          assertTrue(push.send("good " + sent));
          sent++;
        }
      }
      // Foreign bytes that happen to parse as valid messages after a valid handshake may arrive
      // too; every good message must, in order.
      int next = 0;
      while (next < sent) {
        String got = pull.recvStr();
        assertTrue(got != null, "good message " + next + " of " + sent);
        if (got.startsWith("good ")) {
          assertEquals("good " + next, got);
          next++;
        }
      }
      assertTrue(s.device().isAlive());
    }
  }
}
