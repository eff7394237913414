package io.zeromesh.broker.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.config.ConfigException;
import io.zeromesh.broker.device.DeviceConfig.Mode;
import io.zeromesh.broker.device.DeviceConfig.Upstream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMQ;

class DeviceConfigTest {
  @TempDir Path dir;

  private static String error(String mode, List<String> args) {
    return assertThrows(ConfigException.class, () -> DeviceConfig.parse(mode, args, Map.of()))
        .getMessage();
  }

  @Test
  void defaultsFollowTheContractPerMode() {
    DeviceConfig q = DeviceConfig.parse("queue", List.of(), Map.of());
    assertEquals(Mode.QUEUE, q.mode);
    assertEquals(5559, q.frontendPort);
    assertEquals(5560, q.backendPort);
    assertEquals("*", q.bindAddress);
    assertEquals(8080, q.adminPort);
    assertEquals("0.0.0.0", q.adminBindAddress);
    assertEquals(1000, q.sndhwm);
    assertEquals(1000, q.rcvhwm);
    assertEquals(1000, q.lingerMs);
    assertEquals(0, q.heartbeatIvlMs);
    assertTrue(q.tcpKeepalive);
    assertEquals(-1, q.maxMsgSize);
    assertFalse(q.curve);
    assertEquals(Path.of("/etc/zeromesh/curve"), q.curveKeyDir);
    assertNull(q.curveAllowedClientsDir);
    assertEquals("plain", q.logFormat);
    assertEquals("info", q.logLevel);
    assertEquals(5000, q.shutdownTimeoutMs);
    DeviceConfig f = DeviceConfig.parse("forwarder", List.of(), Map.of());
    assertEquals(5557, f.frontendPort);
    assertEquals(5558, f.backendPort);
    assertEquals(List.of(), f.upstreams);
    assertFalse(f.lastValueCache);
    assertNull(f.welcomeMessage);
    assertEquals(0, f.minSubscribers);
    assertEquals(100_000, f.startGateBuffer);
    DeviceConfig s = DeviceConfig.parse("streamer", List.of(), Map.of());
    assertEquals(5557, s.frontendPort);
    assertEquals(5558, s.backendPort);
  }

  @Test
  void environmentFillsInAndTheCommandLineWins() {
    DeviceConfig f =
        DeviceConfig.parse(
            "forwarder",
            List.of("--sndhwm=5", "--welcome-message", "hi there"),
            Map.of(
                "ZEROMESH_SNDHWM", "7",
                "ZEROMESH_RCVHWM", "9",
                "ZEROMESH_UPSTREAMS", "tcp://a:1 tcp://b.svc:2|x,y",
                "ZEROMESH_LAST_VALUE_CACHE", "true",
                "ZEROMESH_LOG_FORMAT", "json"));
    assertEquals(5, f.sndhwm);
    assertEquals(9, f.rcvhwm);
    assertTrue(f.lastValueCache);
    assertEquals("json", f.logFormat);
    assertArrayEquals("hi there".getBytes(StandardCharsets.UTF_8), f.welcomeMessage);
    assertEquals(
        List.of(
            new Upstream("tcp://a:1", List.of()), new Upstream("tcp://b.svc:2", List.of("x", "y"))),
        f.upstreams);
  }

  @Test
  void portsMustBeDistinct() {
    assertTrue(
        error("queue", List.of("--frontend-port=6000", "--backend-port=6000"))
            .contains("--frontend-port and --backend-port must differ"));
    assertTrue(
        error("streamer", List.of("--admin-port=5557")).contains("--admin-port 5557 collides"));
    assertTrue(error("queue", List.of("--frontend-port=0")).contains("--frontend-port"));
  }

  @Test
  void unknownAndForeignFlagsAreRejected() {
    assertEquals(
        "unknown flag --frontendport (see --help)", error("queue", List.of("--frontendport=1")));
    // Forwarder-only flags are unknown to the other modes.
    assertEquals(
        "unknown flag --last-value-cache (see --help)",
        error("queue", List.of("--last-value-cache")));
    assertTrue(error("queue", List.of("stray")).contains("unexpected argument 'stray'"));
  }

  @Test
  void upstreamsMustBeTcpEndpointsWithNonEmptyPrefixes() {
    assertEquals(
        new Upstream("tcp://[::1]:5558", List.of("a")),
        DeviceConfig.parseUpstream("tcp://[::1]:5558|a"));
    for (String bad :
        List.of(
            "http://a:1",
            "tcp://a",
            "tcp://a:0",
            "tcp://a:70000",
            "tcp://a:1|",
            "tcp://a:1|x,,y")) {
      String message = error("forwarder", List.of("--upstream=" + bad));
      assertTrue(message.contains("--upstream (ZEROMESH_UPSTREAMS)"), message);
    }
  }

  @Test
  void valuesAreRangeChecked() {
    assertTrue(error("queue", List.of("--sndhwm=-1")).contains("--sndhwm"));
    assertTrue(error("queue", List.of("--log-level=trace")).contains("--log-level"));
    assertTrue(error("queue", List.of("--tcp-keepalive=sometimes")).contains("--tcp-keepalive"));
    assertTrue(error("queue", List.of("--bind-address=")).contains("--bind-address"));
    assertTrue(
        error("forwarder", List.of("--start-gate-buffer=0")).contains("--start-gate-buffer"));
    assertTrue(
        error("forwarder", List.of("--welcome-message=" + "w".repeat(5000)))
            .contains("--welcome-message"));
  }

  @Test
  void curveNeedsValidKeyFiles() throws Exception {
    String dirFlag = "--curve-key-dir=" + dir;
    assertTrue(error("queue", List.of("--curve", dirFlag)).contains("cannot read"));
    ZMQ.Curve.KeyPair kp = ZMQ.Curve.generateKeyPair();
    Files.writeString(dir.resolve("server.key"), kp.secretKey + "\n");
    Files.writeString(dir.resolve("server.pub"), "too short");
    assertTrue(
        error("queue", List.of("--curve", dirFlag))
            .contains("server.pub is not a Z85 key of 40 characters"));
    Files.writeString(dir.resolve("server.pub"), kp.publicKey);
    DeviceConfig ok = DeviceConfig.parse("queue", List.of("--curve", dirFlag), Map.of());
    assertEquals(kp.secretKey, ok.curveServerSecretKey);
    assertEquals(kp.publicKey, ok.curveServerPublicKey);
    assertTrue(
        error(
                "queue",
                List.of("--curve", dirFlag, "--curve-allowed-clients-dir=" + dir.resolve("none")))
            .contains("--curve-allowed-clients-dir"));
    // Without --curve the key directory is not read.
    DeviceConfig plain =
        DeviceConfig.parse("queue", List.of("--curve-key-dir=/nonexistent"), Map.of());
    assertNull(plain.curveServerSecretKey);
  }

  @Test
  void aKeyPairThatDoesNotBelongTogetherIsRefusedNamingBothFiles() throws Exception {
    ZMQ.Curve.KeyPair one = ZMQ.Curve.generateKeyPair();
    ZMQ.Curve.KeyPair other = ZMQ.Curve.generateKeyPair();
    Files.writeString(dir.resolve("server.key"), one.secretKey);
    Files.writeString(dir.resolve("server.pub"), other.publicKey);
    String message = error("forwarder", List.of("--curve", "--curve-key-dir=" + dir));
    assertTrue(message.startsWith("--curve-key-dir (ZEROMESH_CURVE_KEY_DIR): "), message);
    assertTrue(message.contains(dir.resolve("server.key").toString()), message);
    assertTrue(message.contains(dir.resolve("server.pub").toString()), message);
    assertTrue(message.contains("are not one key pair"), message);
    assertTrue(message.contains(one.publicKey), "says what the public key should be: " + message);
    assertFalse(message.contains(one.secretKey), "never the secret: " + message);
  }

  @Test
  void bindAddressesAreCheckedUpFront() {
    for (String bad : List.of("999.1.1.1", "1.2.3", "256.0.0.1", "not_a_host!", "a..b", "[::g]")) {
      String message = error("queue", List.of("--bind-address=" + bad));
      assertTrue(
          message.startsWith(
              "invalid value '" + bad + "' for --bind-address (ZEROMESH_BIND_ADDRESS): expected"),
          message);
      String admin = error("queue", List.of("--admin-bind-address=" + bad));
      assertTrue(admin.contains("--admin-bind-address (ZEROMESH_ADMIN_BIND_ADDRESS)"), admin);
    }
    // The reserved .invalid domain never resolves (RFC 2606).
    assertTrue(
        error("queue", List.of("--bind-address=zeromesh.invalid")).contains("does not resolve"));
    assertTrue(error("queue", List.of("--admin-bind-address=*")).contains("--admin-bind-address"));
    DeviceConfig ok =
        DeviceConfig.parse(
            "queue",
            List.of("--bind-address=127.0.0.1", "--admin-bind-address=localhost"),
            Map.of());
    assertEquals("tcp://127.0.0.1:5559", ok.frontendEndpoint());
    assertEquals("localhost", ok.adminBindAddress);
    assertEquals(
        "tcp://[::1]:5560",
        DeviceConfig.parse("queue", List.of("--bind-address=::1"), Map.of()).backendEndpoint());
  }

  @Test
  void z85KeysAreCheckedByAlphabetAndLength() {
    ZMQ.Curve.KeyPair kp = ZMQ.Curve.generateKeyPair();
    assertTrue(DeviceConfig.isZ85Key(kp.publicKey));
    assertFalse(DeviceConfig.isZ85Key(kp.publicKey.substring(1)));
    assertFalse(DeviceConfig.isZ85Key(kp.publicKey.substring(1) + "~"));
    assertFalse(DeviceConfig.isZ85Key(""));
  }

  @Test
  void descriptionNeverContainsTheSecretKey() throws Exception {
    ZMQ.Curve.KeyPair kp = ZMQ.Curve.generateKeyPair();
    Files.writeString(dir.resolve("server.key"), kp.secretKey);
    Files.writeString(dir.resolve("server.pub"), kp.publicKey);
    DeviceConfig c =
        DeviceConfig.parse("queue", List.of("--curve", "--curve-key-dir=" + dir), Map.of());
    String described = List.of(c.describe()).toString();
    assertFalse(described.contains(kp.secretKey));
    assertTrue(described.contains(kp.publicKey));
  }
}
