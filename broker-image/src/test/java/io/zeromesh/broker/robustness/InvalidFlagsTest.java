package io.zeromesh.broker.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.testing.Exec;
import io.zeromesh.broker.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.zeromq.ZMQ;

/** Bad configuration: exit 2 and one line on stderr naming the flag, before binding anything. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InvalidFlagsTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  static Stream<Arguments> badFlags() {
    List<Arguments> cases = new ArrayList<>();
    for (String mode : List.of("queue", "forwarder", "streamer")) {
      cases.add(Arguments.of(mode, "--frontend-port=abc", "frontend-port"));
      cases.add(Arguments.of(mode, "--backend-port=70000", "backend-port"));
      cases.add(Arguments.of(mode, "--sndhwm=-5", "sndhwm"));
      cases.add(Arguments.of(mode, "--log-format=xml", "log-format"));
      cases.add(Arguments.of(mode, "--tcp-keepalive=maybe", "tcp-keepalive"));
      cases.add(Arguments.of(mode, "--no-such-flag=1", "no-such-flag"));
      cases.add(Arguments.of(mode, "--curve --curve-key-dir=/nonexistent/zeromesh", "curve"));
      cases.add(Arguments.of(mode, "--bind-address=999.1.1.1", "ZEROMESH_BIND_ADDRESS"));
      cases.add(Arguments.of(mode, "--admin-bind-address=not_a_host!", "--admin-bind-address"));
      cases.add(Arguments.of(mode, "--engine=zmtp", "engine")); // one engine: no such flag
    }
    cases.add(Arguments.of("forwarder", "--upstream=http://x", "upstream"));
    cases.add(Arguments.of("queue", "--frontend-port=6000 --backend-port=6000", "port"));
    cases.add(Arguments.of("probe", "req --endpoint=tcp://h:1 --retries=x", "retries"));
    cases.add(Arguments.of("probe", "sub", "endpoint"));
    cases.add(Arguments.of("probe", "pull --endpoint=tcp://a:1,tcp://b:0", "--endpoint"));
    cases.add(
        Arguments.of("probe", "pull --endpoint=tcp://a:1 --handshake-ivl-ms=-1", "handshake"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badFlags")
  void badFlagExitsWith2AndOneLineNamingIt(String mode, String flags, String named) {
    List<String> args = new ArrayList<>();
    args.add(mode);
    args.addAll(List.of(flags.split(" ")));
    try (Exec exec = Exec.broker(args, Map.of())) {
      assertEquals(2, exec.awaitExit(BOUND), exec.describe());
      String err = exec.stderr().strip();
      assertEquals(1, err.lines().count(), "one line: " + err);
      assertTrue(err.contains(named), "names " + named + ": " + err);
      assertEquals("", exec.stdout().strip(), "nothing on stdout");
    }
  }

  @Test
  void badEnvironmentNamesTheFlagAndItsVariable() {
    try (Exec exec = Exec.broker(List.of("queue"), Map.of("ZEROMESH_ADMIN_PORT", "eighty"))) {
      assertEquals(2, exec.awaitExit(BOUND), exec.describe());
      String err = exec.stderr().strip();
      assertEquals(1, err.lines().count(), err);
      assertTrue(err.contains("admin-port") && err.contains("ZEROMESH_ADMIN_PORT"), err);
    }
  }

  @Test
  void aCurveKeyPairThatDoesNotMatchExitsWith2NamingBothFiles(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("server.key"), ZMQ.Curve.generateKeyPair().secretKey);
    Files.writeString(dir.resolve("server.pub"), ZMQ.Curve.generateKeyPair().publicKey);
    try (Exec exec =
        Exec.broker(
            List.of("streamer", "--curve", "--admin-port=" + Ports.free()),
            Map.of("ZEROMESH_CURVE_KEY_DIR", dir.toString()))) {
      assertEquals(2, exec.awaitExit(BOUND), exec.describe());
      String err = exec.stderr().strip();
      assertEquals(1, err.lines().count(), err);
      assertTrue(err.contains(dir.resolve("server.key").toString()), err);
      assertTrue(err.contains(dir.resolve("server.pub").toString()), err);
      assertTrue(err.contains("not one key pair"), err);
    }
  }

  @Test
  void unknownModeExitsWith2() {
    try (Exec exec = Exec.broker("router")) {
      assertEquals(2, exec.awaitExit(BOUND), exec.describe());
      assertTrue(exec.stderr().contains("router"), exec.stderr());
    }
  }
}
