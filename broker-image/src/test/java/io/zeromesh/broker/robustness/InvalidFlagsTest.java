package io.zeromesh.broker.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.testing.Exec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
    }
    cases.add(Arguments.of("forwarder", "--upstream=http://x", "upstream"));
    cases.add(Arguments.of("queue", "--frontend-port=6000 --backend-port=6000", "port"));
    cases.add(Arguments.of("probe", "req --endpoint=tcp://h:1 --retries=x", "retries"));
    cases.add(Arguments.of("probe", "sub", "endpoint"));
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
  void unknownModeExitsWith2() {
    try (Exec exec = Exec.broker("router")) {
      assertEquals(2, exec.awaitExit(BOUND), exec.describe());
      assertTrue(exec.stderr().contains("router"), exec.stderr());
    }
  }
}
