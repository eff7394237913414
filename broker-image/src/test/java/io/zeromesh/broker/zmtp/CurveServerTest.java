package io.zeromesh.broker.zmtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.zeromesh.broker.testing.CurveClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The CURVE server mechanism and codec without a network: each RFC 26 check, one at a time. */
class CurveServerTest {
  private static final byte[][] SERVER = Curve.keyPair();
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final CookieKeys cookies = new CookieKeys(clock::get);
  private final List<Zap.Request> zapRequests = new ArrayList<>();

  /** Collects what the mechanism sends: command frames. */
  static final class Out implements Mechanism.Output {
    final List<ByteBuf> frames = new ArrayList<>();

    @Override
    public ByteBufAllocator alloc() {
      return ByteBufAllocator.DEFAULT;
    }

    @Override
    public void send(ByteBuf frame) {
      frames.add(frame);
    }

    /** The last frame sent, parsed as a command. */
    Command last() throws ZmtpException {
      ByteBuf f = frames.get(frames.size() - 1);
      assertEquals(Frames.COMMAND, f.getByte(0) & ~Frames.LONG, "a command frame");
      int header = (f.getByte(0) & Frames.LONG) != 0 ? 9 : 2;
      return Command.parse(f.slice(header, f.readableBytes() - header));
    }
  }

  private CurveServer server(Zap.Handler zap) {
    return new CurveServer(
        SERVER[0],
        SERVER[1],
        cookies,
        zap,
        "frontend",
        "127.0.0.1",
        new Metadata().put(Metadata.SOCKET_TYPE, "PULL"));
  }

  private static Command command(byte[] body) throws ZmtpException {
    return Command.parse(Unpooled.wrappedBuffer(body));
  }

  private static byte[] data(Command c) {
    return ByteBufUtil.getBytes(c.data());
  }

  private static Metadata push() {
    return new Metadata().put(Metadata.SOCKET_TYPE, "PUSH").put(Metadata.IDENTITY, "me");
  }

  /** HELLO and WELCOME done: the client holds the cookie. */
  private CurveClient welcomed(CurveServer s, Out out) throws Exception {
    CurveClient c = new CurveClient(SERVER[0], Curve.keyPair());
    assertNull(s.command(command(c.hello()), out));
    Command welcome = out.last();
    assertEquals("WELCOME", welcome.name());
    assertTrue(c.welcome(data(welcome)), "WELCOME opens with the client's transient key");
    return c;
  }

  private void assertErrorSent(Out out) throws ZmtpException {
    assertEquals(Command.ERROR, out.last().name(), "the handshake failure is answered by ERROR");
  }

  @Test
  void aCompleteHandshakeCarriesFramesBothWaysWithTheirFlags() throws Exception {
    CurveServer s =
        server(
            r -> {
              zapRequests.add(r);
              return Zap.Reply.ok("u");
            });
    Out out = new Out();
    CurveClient c = welcomed(s, out);
    Metadata md = s.command(command(c.initiate(push())), out);
    assertEquals("PUSH", md.socketType());
    assertArrayEquals("me".getBytes(StandardCharsets.US_ASCII), md.get(Metadata.IDENTITY));
    assertEquals(1, zapRequests.size());
    Zap.Request z = zapRequests.get(0);
    assertEquals("frontend", z.domain());
    assertEquals("127.0.0.1", z.address());
    assertEquals("CURVE", z.mechanism());
    assertArrayEquals(c.clientPublic, z.credentials().get(0), "ZAP gets the long-term key C");
    assertArrayEquals(c.clientPublic, s.clientKey());

    s.complete(out);
    Command ready = out.last();
    assertEquals(Command.READY, ready.name());
    assertEquals("PULL", c.ready(data(ready)).socketType());

    // Client to server: a two-frame message and a command.
    ByteBuf opened = Unpooled.buffer();
    for (byte[] wire :
        new byte[][] {
          c.message(Frames.MORE, "part1".getBytes(StandardCharsets.US_ASCII)),
          c.message(0, new byte[300]),
          c.message(Frames.COMMAND, "\u0004PINGxx".getBytes(StandardCharsets.US_ASCII))
        }) {
      ByteBuf w = Unpooled.wrappedBuffer(wire);
      int header = (w.getByte(0) & Frames.LONG) != 0 ? 9 : 2;
      assertEquals(0, w.getByte(0) & (Frames.MORE | Frames.COMMAND), "MESSAGE is a plain frame");
      assertTrue(CurveCodec.isMessage(w, header, w.readableBytes() - header));
      s.codec().decrypt(w, header + 8, w.readableBytes() - header - 8, opened);
    }
    ByteBuf expected = Unpooled.buffer();
    Frames.writeFrame(expected, Frames.MORE, "part1".getBytes(StandardCharsets.US_ASCII));
    Frames.writeFrame(expected, 0, new byte[300]);
    Frames.writeFrame(expected, Frames.COMMAND, "\u0004PINGxx".getBytes(StandardCharsets.US_ASCII));
    assertEquals(expected, opened, "frames, flags and sizes as sent");

    // Server to client.
    ByteBuf sealed = Unpooled.buffer();
    byte[] body = "reply".getBytes(StandardCharsets.US_ASCII);
    s.codec().encrypt(Frames.MORE, Unpooled.wrappedBuffer(body), 0, body.length, sealed);
    ByteBuf back = Unpooled.buffer();
    c.codec.decrypt(sealed, 2 + 8, sealed.readableBytes() - 10, back);
    ByteBuf want = Unpooled.buffer();
    Frames.writeFrame(want, Frames.MORE, body);
    assertEquals(want, back);
  }

  private CurveServer connected(CurveClient[] client) throws Exception {
    CurveServer s = server(null);
    Out out = new Out();
    CurveClient c = welcomed(s, out);
    assertNotNull(s.command(command(c.initiate(push())), out));
    s.complete(out);
    c.ready(data(out.last()));
    client[0] = c;
    return s;
  }

  private static void open(CurveServer s, byte[] wire) throws ZmtpException {
    ByteBuf w = Unpooled.wrappedBuffer(wire);
    int header = (w.getByte(0) & Frames.LONG) != 0 ? 9 : 2;
    s.codec().decrypt(w, header + 8, w.readableBytes() - header - 8, Unpooled.buffer());
  }

  @Test
  void aReplayedOrBackwardNonceAndATamperedBoxAreRefused() throws Exception {
    CurveClient[] c = new CurveClient[1];
    CurveServer s = connected(c);
    byte[] first = c[0].message(0, "one".getBytes(StandardCharsets.US_ASCII));
    open(s, first);
    ZmtpException replay = assertThrows(ZmtpException.class, () -> open(s, first));
    assertTrue(replay.getMessage().contains("nonce"), replay.getMessage());
    byte[] second = c[0].message(0, "two".getBytes(StandardCharsets.US_ASCII));
    byte[] third = c[0].message(0, "three".getBytes(StandardCharsets.US_ASCII));
    open(s, third); // nonces may skip ahead (libzmq checks "above the last", so do we)
    assertThrows(ZmtpException.class, () -> open(s, second), "a nonce below the last one");
    byte[] bad = c[0].message(0, "four".getBytes(StandardCharsets.US_ASCII));
    bad[bad.length - 1] ^= 1;
    ZmtpException box = assertThrows(ZmtpException.class, () -> open(s, bad));
    assertTrue(box.getMessage().contains("box"), box.getMessage());
    byte[] reserved = c[0].rawMessage(0x80, new byte[1], 100);
    assertThrows(ZmtpException.class, () -> open(s, reserved), "reserved payload flags");
    byte[] shortOne = new byte[] {0, 20, 7, 'M', 'E', 'S', 'S', 'A', 'G', 'E'};
    assertThrows(
        ZmtpException.class,
        () -> s.codec().decrypt(Unpooled.wrappedBuffer(shortOne), 10, 0, Unpooled.buffer()),
        "a MESSAGE without a box");
  }

  @Test
  void aHelloForAnotherServerOrOfTheWrongSizeGetsError() throws Exception {
    byte[][] other = Curve.keyPair();
    CurveClient stranger = new CurveClient(other[0], Curve.keyPair());
    Out out = new Out();
    CurveServer s = server(null);
    assertThrows(ZmtpException.class, () -> s.command(command(stranger.hello()), out));
    assertErrorSent(out);

    CurveClient c = new CurveClient(SERVER[0], Curve.keyPair());
    byte[] hello = c.hello();
    Out out2 = new Out();
    assertThrows(
        ZmtpException.class,
        () -> server(null).command(command(CurveClient.slice(hello, 0, 199)), out2));
    assertErrorSent(out2);

    byte[] version = c.hello();
    version[6] = 2;
    Out out3 = new Out();
    assertThrows(ZmtpException.class, () -> server(null).command(command(version), out3));
    assertErrorSent(out3);
  }

  @Test
  void aLowOrderTransientKeyIsRefused() throws Exception {
    CurveClient c = new CurveClient(SERVER[0], Curve.keyPair());
    c.transientPublic = new byte[32]; // the point 0: every shared secret with it is zero
    Out out = new Out();
    ZmtpException e =
        assertThrows(ZmtpException.class, () -> server(null).command(command(c.hello()), out));
    assertTrue(e.getMessage().contains("low-order"), e.getMessage());
    assertErrorSent(out);
  }

  @Test
  void aCookieOpensForOneToTwoMinutesThenTheMinuteKeyIsGone() throws Exception {
    CurveServer s = server(null);
    Out out = new Out();
    CurveClient c = welcomed(s, out);
    clock.addAndGet(61_000_000_000L); // rotated once: the previous key still opens it
    assertNotNull(s.command(command(c.initiate(push())), out));

    CurveServer late = server(null);
    Out out2 = new Out();
    CurveClient d = welcomed(late, out2);
    clock.addAndGet(60_000_000_000L); // rotated twice since
    clock.addAndGet(60_000_000_000L);
    ZmtpException e =
        assertThrows(ZmtpException.class, () -> late.command(command(d.initiate(push())), out2));
    assertTrue(e.getMessage().contains("cookie"), e.getMessage());
    assertErrorSent(out2);
  }

  @Test
  void aCookieOfAnotherConnectionAndAReplayedInitiateNonceAreRefused() throws Exception {
    CurveServer s1 = server(null);
    Out o1 = new Out();
    CurveClient c1 = welcomed(s1, o1);
    CurveServer s2 = server(null);
    Out o2 = new Out();
    CurveClient c2 = welcomed(s2, o2);
    c2.cookie = c1.cookie; // a valid cookie, minted for connection 1
    assertThrows(ZmtpException.class, () -> s2.command(command(c2.initiate(push())), o2));
    assertErrorSent(o2);

    CurveServer s3 = server(null);
    Out o3 = new Out();
    CurveClient c3 = welcomed(s3, o3);
    c3.nonce = 1; // INITIATE under HELLO's nonce again
    ZmtpException e =
        assertThrows(ZmtpException.class, () -> s3.command(command(c3.initiate(push())), o3));
    assertTrue(e.getMessage().contains("nonce"), e.getMessage());
  }

  @Test
  void aVouchThatDoesNotMatchTheClaimedKeyOrTheServerIsRefused() throws Exception {
    byte[][] impostor = Curve.keyPair();
    CurveServer s = server(null);
    Out out = new Out();
    CurveClient c = welcomed(s, out);
    // Claims C but vouches with another secret key: the vouch does not open with C.
    byte[] forged = c.initiate(push(), c.clientPublic, impostor[1], SERVER[0]);
    ZmtpException e = assertThrows(ZmtpException.class, () -> s.command(command(forged), out));
    assertTrue(e.getMessage().contains("vouch"), e.getMessage());
    assertErrorSent(out);

    CurveServer s2 = server(null);
    Out out2 = new Out();
    CurveClient c2 = welcomed(s2, out2);
    byte[] elsewhere = c2.initiate(push(), c2.clientPublic, c2.clientSecret, impostor[0]);
    assertThrows(ZmtpException.class, () -> s2.command(command(elsewhere), out2));
    assertErrorSent(out2);

    CurveServer s3 = server(null);
    Out out3 = new Out();
    CurveClient c3 = welcomed(s3, out3);
    byte[] tampered = c3.initiate(push());
    tampered[tampered.length - 3] ^= 0x10;
    assertThrows(ZmtpException.class, () -> s3.command(command(tampered), out3));
    assertErrorSent(out3);
  }

  @Test
  void aZapRefusalIsRefusedWithItsStatusCode() throws Exception {
    CurveServer s = server(r -> Zap.Reply.denied("client key not allowed"));
    Out out = new Out();
    CurveClient c = welcomed(s, out);
    ZmtpException e =
        assertThrows(ZmtpException.class, () -> s.command(command(c.initiate(push())), out));
    assertEquals(ZmtpException.Kind.REFUSED, e.kind());
    Command error = out.last();
    assertEquals(Command.ERROR, error.name());
    assertEquals("400", Mechanism.errorReason(error));
  }

  @Test
  void commandsOutOfOrderAreRefused() throws Exception {
    CurveServer s = server(null);
    Out out = new Out();
    CurveClient c = new CurveClient(SERVER[0], Curve.keyPair());
    c.hello();
    c.serverTransient = Curve.keyPair()[0];
    c.sessionKey = new byte[32];
    c.cookie = new byte[96];
    assertThrows(ZmtpException.class, () -> s.command(command(c.initiate(push())), out));
    assertErrorSent(out);
  }
}
