package io.zeromesh.broker.device;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.zeromesh.broker.device.DeviceMetrics.DropReason;
import io.zeromesh.broker.device.DeviceMetrics.Side;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CurveDeviceTest {
  private static final Duration BOUND = Duration.ofSeconds(10);
  private static final ZMQ.Curve.KeyPair SERVER = ZMQ.Curve.generateKeyPair();

  @TempDir Path keys;
  @TempDir Path allowed;

  private void writeServerKeys() throws IOException {
    Files.writeString(keys.resolve("server.key"), SERVER.secretKey + "\n");
    Files.writeString(keys.resolve("server.pub"), SERVER.publicKey + "\n");
  }

  private static ZMQ.Socket curveClient(
      ZContext ctx, SocketType type, ZMQ.Curve.KeyPair me, String endpoint) {
    ZMQ.Socket s = ctx.createSocket(type);
    s.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
    s.setCurveServerKey(ZMQ.Curve.z85Decode(SERVER.publicKey));
    s.setCurvePublicKey(ZMQ.Curve.z85Decode(me.publicKey));
    s.setCurveSecretKey(ZMQ.Curve.z85Decode(me.secretKey));
    s.setReceiveTimeOut(10_000);
    s.setLinger(0);
    s.connect(endpoint);
    return s;
  }

  /** Starts an echo worker thread on a REP socket; it ends when the context closes. */
  private static void echo(ZMQ.Socket rep) {
    Thread t =
        new Thread(
            () -> {
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  byte[] req = rep.recv(0);
                  if (req != null) {
                    rep.send(req, 0);
                  }
                }
              } catch (RuntimeException closed) {
                // context terminated: the test is over
              }
            });
    t.setDaemon(true);
    t.start();
  }

  @Test
  void curveClientsWithTheServerKeyAreServedPlaintextPeersAreRefused() throws Exception {
    writeServerKeys();
    try (TestDevices.Running q = TestDevices.start("queue", "--curve", "--curve-key-dir=" + keys);
        ZContext ctx = new ZContext()) {
      echo(curveClient(ctx, SocketType.REP, ZMQ.Curve.generateKeyPair(), q.backendEndpoint()));
      ZMQ.Socket client =
          curveClient(ctx, SocketType.REQ, ZMQ.Curve.generateKeyPair(), q.frontendEndpoint());
      client.send("secret hello");
      assertEquals("secret hello", client.recvStr());

      ZMQ.Socket plain = ctx.createSocket(SocketType.REQ);

      plain.setHandshakeIvl(2000); // a stalled JeroMQ greeting reconnects
      plain.setReceiveTimeOut(1000);
      plain.setLinger(0);
      plain.connect(q.frontendEndpoint());
      plain.send("plain hello");
      assertNull(plain.recvStr(), "a plaintext client got an answer");
      // Only the CURVE client's request ever came in.
      await().atMost(BOUND).until(() -> q.metrics().messagesIn(Side.FRONTEND) == 1);
      await()
          .during(Duration.ofMillis(200))
          .atMost(Duration.ofSeconds(2))
          .until(() -> q.metrics().messagesIn(Side.FRONTEND) == 1);
    }
  }

  @Test
  void allowListAdmitsOnlyListedKeysAndIsReReadWhenItChanges() throws Exception {
    writeServerKeys();
    ZMQ.Curve.KeyPair worker = ZMQ.Curve.generateKeyPair();
    ZMQ.Curve.KeyPair listed = ZMQ.Curve.generateKeyPair();
    ZMQ.Curve.KeyPair stranger = ZMQ.Curve.generateKeyPair();
    Files.writeString(
        allowed.resolve("clients"), listed.publicKey + "\n" + worker.publicKey + "\n");
    try (TestDevices.Running q =
            TestDevices.start(
                "queue",
                "--curve",
                "--curve-key-dir=" + keys,
                "--curve-allowed-clients-dir=" + allowed);
        ZContext ctx = new ZContext()) {
      echo(curveClient(ctx, SocketType.REP, worker, q.backendEndpoint()));
      ZMQ.Socket ok = curveClient(ctx, SocketType.REQ, listed, q.frontendEndpoint());
      ok.send("listed");
      assertEquals("listed", ok.recvStr());

      ZMQ.Socket refused = curveClient(ctx, SocketType.REQ, stranger, q.frontendEndpoint());
      refused.setReceiveTimeOut(1000);
      refused.send("stranger");
      assertNull(refused.recvStr(), "a client missing from the allow-list got an answer");
      await()
          .atMost(BOUND)
          .until(() -> q.metrics().dropped(Side.FRONTEND, DropReason.REFUSED) >= 1);
      assertEquals(0, q.metrics().dropped(Side.BACKEND, DropReason.REFUSED));
      await().atMost(BOUND).until(() -> q.metrics().messagesIn(Side.FRONTEND) == 1);
      ctx.destroySocket(refused);

      // A Secret update adds the key: a new connection of that client is accepted, no restart.
      Files.writeString(allowed.resolve("more"), stranger.publicKey + "\n");
      await()
          .atMost(BOUND)
          .until(
              () -> {
                ZMQ.Socket retry = curveClient(ctx, SocketType.REQ, stranger, q.frontendEndpoint());
                retry.setReceiveTimeOut(1500);
                retry.send("again");
                String reply = retry.recvStr();
                ctx.destroySocket(retry);
                return "again".equals(reply);
              });
    }
  }
}
