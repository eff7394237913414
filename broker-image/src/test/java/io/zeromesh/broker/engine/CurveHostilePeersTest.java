package io.zeromesh.broker.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.zeromesh.broker.device.DeviceMetrics.DropReason;
import io.zeromesh.broker.device.DeviceMetrics.Side;
import io.zeromesh.broker.testing.CurveClient;
import io.zeromesh.broker.zmtp.Curve;
import io.zeromesh.broker.zmtp.Frames;
import io.zeromesh.broker.zmtp.Metadata;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A CURVE streamer against a seeded series of spoilt CURVE peers (bad boxes, replayed and backward
 * nonces, other keys, forged vouches and cookies, plaintext where only MESSAGEs may come, truncated
 * commands), each on its own connection, while a JeroMQ CURVE pusher and worker are served. Every
 * spoilt connection must be closed by the device, what it sent validly before its fault must arrive
 * exactly once and nothing after it, and the good pusher must lose nothing. The seed is {@code
 * -Dzeromesh.fuzz.seed} (a fixed default), printed with every failure.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CurveHostilePeersTest {
  private static final long SEED = Long.getLong("zeromesh.fuzz.seed", 0x2026_1203_C0FFEEL);
  private static final int ROUNDS = Integer.getInteger("zeromesh.fuzz.rounds", 120);
  private static final Duration BOUND = Duration.ofSeconds(20);
  private static final byte[][] SERVER = Curve.keyPair();

  @TempDir Path keys;
  @TempDir Path allowed;

  enum Fault {
    HELLO_BIT_FLIP(false),
    HELLO_OTHER_SERVER(false),
    HELLO_TRUNCATED(false),
    INITIATE_BIT_FLIP(false),
    INITIATE_NONCE_REPLAYED(false),
    VOUCH_FORGED(false),
    COOKIE_OF_ANOTHER_CONNECTION(false),
    KEY_NOT_LISTED(false),
    PLAINTEXT_IN_HANDSHAKE(false),
    NULL_GREETING(false),
    MESSAGE_BIT_FLIP(true),
    MESSAGE_REPLAYED(true),
    MESSAGE_NONCE_BACKWARDS(true),
    MESSAGE_RESERVED_FLAGS(true),
    MESSAGE_PLAINTEXT(true),
    COMMAND_PLAINTEXT(true),
    MULTIPART_CUT_OFF(true);

    /** After a complete handshake: good messages first, then the fault. */
    final boolean dataPhase;

    Fault(boolean dataPhase) {
      this.dataPhase = dataPhase;
    }
  }

  private static String z85(byte[] key) {
    return ZMQ.Curve.z85Encode(key);
  }

  private static ZMQ.Socket curveSocket(ZContext ctx, SocketType type, byte[][] me) {
    ZMQ.Socket s = ctx.createSocket(type);
    s.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
    s.setCurveServerKey(SERVER[0]);
    s.setCurvePublicKey(me[0]);
    s.setCurveSecretKey(me[1]);
    s.setLinger(0);
    return s;
  }

  @Test
  void spoiltCurvePeersAreClosedAndCostNobodyAMessage() throws Exception {
    Files.writeString(keys.resolve("server.key"), z85(SERVER[1]) + "\n");
    Files.writeString(keys.resolve("server.pub"), z85(SERVER[0]) + "\n");
    byte[][] pusherKeys = Curve.keyPair();
    byte[][] workerKeys = Curve.keyPair();
    byte[][] fuzzKeys = Curve.keyPair();
    Files.writeString(
        allowed.resolve("clients"),
        String.join("\n", z85(pusherKeys[0]), z85(workerKeys[0]), z85(fuzzKeys[0])) + "\n");
    String why = "seed " + SEED + " (-Dzeromesh.fuzz.seed)";
    Random rnd = new Random(SEED);
    List<String> received = Collections.synchronizedList(new ArrayList<>());
    Set<String> expected = new HashSet<>();
    int[] refused = new int[2];
    try (ZmtpEngineTest.Running d =
            ZmtpEngineTest.start(
                "streamer",
                "--curve",
                "--curve-key-dir=" + keys,
                "--curve-allowed-clients-dir=" + allowed);
        ZContext ctx = new ZContext()) {
      ZMQ.Socket pull = curveSocket(ctx, SocketType.PULL, workerKeys);
      pull.setReceiveTimeOut(200);
      pull.connect(d.backend());
      AtomicBoolean stop = new AtomicBoolean();
      Thread worker =
          new Thread(
              () -> {
                while (!stop.get()) {
                  String m = pull.recvStr();
                  if (m != null) {
                    received.add(m);
                  }
                }
              },
              "curve-worker");
      worker.setDaemon(true);
      worker.start();
      ZMQ.Socket push = curveSocket(ctx, SocketType.PUSH, pusherKeys);
      push.connect(d.frontend());
      push.send("good-warmup");
      expected.add("good-warmup");
      await("the good pusher and worker are connected")
          .atMost(BOUND)
          .until(() -> received.size() == 1);

      Fault[] faults = Fault.values();
      for (int round = 0; round < ROUNDS; round++) {
        Fault fault = faults[rnd.nextInt(faults.length)];
        // Handshake faults go to either side: a backend peer that never completes its handshake
        // must not take a share of the round robin either.
        boolean backend = !fault.dataPhase && rnd.nextBoolean();
        String where = why + ", round " + round + ", " + fault + (backend ? " on the backend" : "");
        int port = backend ? d.back() : d.front();
        String type = backend ? "PULL" : "PUSH";
        List<String> sent = new ArrayList<>();
        try (Socket s = connect(port, fault == Fault.NULL_GREETING ? "NULL" : "CURVE")) {
          hostile(s, fault, type, fuzzKeys, rnd, round, sent, where);
          assertClosed(s, where);
        }
        expected.addAll(sent);
        if (fault == Fault.KEY_NOT_LISTED) {
          refused[backend ? 1 : 0]++;
        }
        String good = "good-" + round;
        assertTrue(push.send(good), where);
        expected.add(good);
      }
      await(why + ": every good message and every valid hostile one arrives")
          .atMost(BOUND)
          .until(() -> received.size() >= expected.size());
      Thread.sleep(300); // nothing more (no replay delivered) may trickle in
      stop.set(true);
      worker.join(2000);
      List<String> got = new ArrayList<>(received);
      assertEquals(expected, new HashSet<>(got), why);
      assertEquals(expected.size(), got.size(), why + ": a message arrived twice");
      assertTrue(d.device().isAlive(), why);
      assertEquals(
          refused[0], d.device().metrics().dropped(Side.FRONTEND, DropReason.REFUSED), why);
      assertEquals(refused[1], d.device().metrics().dropped(Side.BACKEND, DropReason.REFUSED), why);
    }
  }

  /** Runs one hostile connection's script; {@code sent} gets the messages that must arrive. */
  private static void hostile(
      Socket s,
      Fault fault,
      String type,
      byte[][] allowedKeys,
      Random rnd,
      int round,
      List<String> sent,
      String where)
      throws Exception {
    Metadata md = new Metadata().put(Metadata.SOCKET_TYPE, type);
    byte[][] longTerm = fault == Fault.KEY_NOT_LISTED ? Curve.keyPair() : allowedKeys;
    byte[] serverKey = fault == Fault.HELLO_OTHER_SERVER ? Curve.keyPair()[0] : SERVER[0];
    CurveClient c = new CurveClient(serverKey, longTerm);
    if (fault == Fault.NULL_GREETING) {
      command(s, Frames.ready(Unpooled.buffer().alloc(), md));
      return;
    }
    byte[] hello = c.hello();
    switch (fault) {
      case HELLO_BIT_FLIP -> {
        // Every byte but the padding (which the RFC leaves unchecked) is checked.
        int[] checked = {0, 1, 2, 3, 4, 5, 6, 7};
        int at = rnd.nextBoolean() ? checked[rnd.nextInt(8)] : 80 + rnd.nextInt(120);
        hello[at] ^= (byte) (1 << rnd.nextInt(8));
        command(s, hello);
        return;
      }
      case HELLO_TRUNCATED -> {
        command(s, CurveClient.slice(hello, 0, 1 + rnd.nextInt(hello.length - 1)));
        return;
      }
      case HELLO_OTHER_SERVER -> {
        command(s, hello);
        return;
      }
      default -> command(s, hello);
    }
    Frame welcome = read(s, where);
    assertNotNull(welcome, where + ": WELCOME");
    assertTrue(c.welcome(commandData(welcome, "WELCOME", where)), where + ": WELCOME opens");
    switch (fault) {
      case PLAINTEXT_IN_HANDSHAKE -> {
        write(s, frame(0, "plain".getBytes(StandardCharsets.US_ASCII)));
        return;
      }
      case INITIATE_BIT_FLIP -> {
        byte[] initiate = c.initiate(md);
        initiate[rnd.nextInt(initiate.length)] ^= (byte) (1 << rnd.nextInt(8));
        command(s, initiate);
        return;
      }
      case INITIATE_NONCE_REPLAYED -> {
        c.nonce = 1; // HELLO's
        command(s, c.initiate(md));
        return;
      }
      case VOUCH_FORGED -> {
        byte[][] impostor = Curve.keyPair();
        command(s, c.initiate(md, c.clientPublic, impostor[1], SERVER[0]));
        return;
      }
      case COOKIE_OF_ANOTHER_CONNECTION -> {
        c.cookie[rnd.nextInt(96)] ^= 1;
        command(s, c.initiate(md));
        return;
      }
      case KEY_NOT_LISTED -> {
        command(s, c.initiate(md));
        Frame error = read(s, where);
        assertNotNull(error, where + ": ERROR");
        assertEquals("400", errorReason(commandData(error, "ERROR", where)), where);
        return;
      }
      default -> command(s, c.initiate(md));
    }
    Frame ready = read(s, where);
    assertNotNull(ready, where + ": READY");
    c.ready(commandData(ready, "READY", where));

    // The data phase: some good messages, then the fault, all in one write so that the device
    // meets them in one read.
    ByteBuf batch = Unpooled.buffer();
    int good = rnd.nextInt(4) + (fault == Fault.MESSAGE_REPLAYED ? 1 : 0);
    byte[] last = null;
    for (int j = 0; j < good; j++) {
      String m = "fuzz-" + round + "-" + j;
      last = c.message(0, m.getBytes(StandardCharsets.US_ASCII));
      batch.writeBytes(last);
      sent.add(m);
    }
    byte[] spoilt =
        switch (fault) {
          case MESSAGE_BIT_FLIP -> {
            byte[] m = c.message(0, ("spoilt-" + round).getBytes(StandardCharsets.US_ASCII));
            // Not the frame header (a bigger size would only make the device wait for more).
            m[2 + rnd.nextInt(m.length - 2)] ^= (byte) (1 << rnd.nextInt(8));
            yield m;
          }
          case MESSAGE_REPLAYED -> last;
          case MESSAGE_NONCE_BACKWARDS ->
              c.rawMessage(0, "back".getBytes(StandardCharsets.US_ASCII), c.nonce - 1 - good);
          case MESSAGE_RESERVED_FLAGS ->
              c.rawMessage(0x04, "reserved".getBytes(StandardCharsets.US_ASCII), c.nonce + 5);
          case MESSAGE_PLAINTEXT -> frame(0, "plaintext".getBytes(StandardCharsets.US_ASCII));
          case COMMAND_PLAINTEXT -> frameOf(Frames.COMMAND, "\u0004PING\u0000\u0000");
          case MULTIPART_CUT_OFF ->
              c.message(Frames.MORE, ("half-" + round).getBytes(StandardCharsets.US_ASCII));
          default -> throw new IllegalStateException(fault.toString());
        };
    batch.writeBytes(spoilt);
    write(s, ByteBufUtil.getBytes(batch));
    if (fault == Fault.MULTIPART_CUT_OFF) {
      s.shutdownOutput(); // the peer goes away in the middle of a message
    }
  }

  record Frame(int flags, byte[] body) {}

  private static Socket connect(int port, String mechanism) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout((int) BOUND.toMillis());
    ByteBuf g = Unpooled.buffer(64);
    g.writeByte(0xFF).writeZero(8).writeByte(0x7F).writeByte(3).writeByte(1);
    byte[] name = mechanism.getBytes(StandardCharsets.US_ASCII);
    g.writeBytes(name).writeZero(20 - name.length).writeByte(0).writeZero(31);
    write(s, ByteBufUtil.getBytes(g));
    byte[] theirs = new DataInputStream(s.getInputStream()).readNBytes(64);
    assertEquals(64, theirs.length, "the device's greeting");
    assertEquals('C', theirs[12], "the device speaks CURVE");
    assertEquals(1, theirs[32], "as the server");
    return s;
  }

  private static void write(Socket s, byte[] bytes) throws IOException {
    OutputStream o = s.getOutputStream();
    o.write(bytes);
    o.flush();
  }

  private static byte[] frame(int flags, byte[] body) {
    ByteBuf b = Unpooled.buffer();
    Frames.writeFrame(b, flags, body);
    return ByteBufUtil.getBytes(b);
  }

  private static byte[] frameOf(int flags, String body) {
    return frame(flags, body.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static void command(Socket s, byte[] body) throws IOException {
    write(s, frame(Frames.COMMAND, body));
  }

  private static void command(Socket s, ByteBuf frame) throws IOException {
    write(s, ByteBufUtil.getBytes(frame));
  }

  /** The next frame, or null at the end of the stream. */
  private static Frame read(Socket s, String where) throws IOException {
    DataInputStream in = new DataInputStream(s.getInputStream());
    int flags = in.read();
    if (flags < 0) {
      return null;
    }
    try {
      long size = (flags & Frames.LONG) != 0 ? in.readLong() : in.readUnsignedByte();
      byte[] body = new byte[(int) size];
      in.readFully(body);
      return new Frame(flags, body);
    } catch (EOFException e) {
      fail(where + ": the stream ended inside a frame");
      return null;
    }
  }

  private static byte[] commandData(Frame f, String name, String where) {
    assertEquals(Frames.COMMAND, f.flags() & ~Frames.LONG, where + ": a command frame");
    String got = new String(f.body(), 1, f.body()[0], StandardCharsets.US_ASCII);
    assertEquals(name, got, where);
    return CurveClient.slice(f.body(), 1 + name.length(), f.body().length - 1 - name.length());
  }

  private static String errorReason(byte[] data) {
    return new String(data, 1, data[0], StandardCharsets.US_ASCII);
  }

  /** The device closes the connection within the bound (an ERROR may come first). */
  private static void assertClosed(Socket s, String where) throws IOException {
    try {
      for (int i = 0; i < 4; i++) {
        Frame f = read(s, where);
        if (f == null) {
          return;
        }
        assertTrue(
            (f.flags() & Frames.COMMAND) != 0
                && new String(f.body(), 1, f.body()[0], StandardCharsets.US_ASCII).equals("ERROR"),
            where + ": only ERROR may come before the close");
      }
      fail(where + ": frames but no close");
    } catch (SocketTimeoutException e) {
      fail(where + ": the device did not close the connection within " + BOUND);
    } catch (java.net.SocketException e) {
      // reset by the device: closed as well
    }
  }
}
