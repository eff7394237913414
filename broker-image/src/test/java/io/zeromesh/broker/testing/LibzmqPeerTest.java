package io.zeromesh.broker.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** Without pyzmq the interop tests skip on a developer's machine and fail in CI. */
class LibzmqPeerTest {
  @Test
  void withoutPyzmqCiFailsAndADeveloperSkips() {
    AssertionFailedError ci =
        assertThrows(
            AssertionFailedError.class,
            () -> LibzmqPeer.requireOrSkip(false, "No module named 'zmq'", Map.of("CI", "true")));
    assertTrue(ci.getMessage().contains("No module named 'zmq'"), ci.getMessage());
    assertTrue(ci.getMessage().contains("python3-zmq"), ci.getMessage());
    assertThrows(
        TestAbortedException.class,
        () -> LibzmqPeer.requireOrSkip(false, "No module named 'zmq'", Map.of()));
    assertThrows(
        TestAbortedException.class,
        () -> LibzmqPeer.requireOrSkip(false, "No module named 'zmq'", Map.of("CI", "false")));
  }

  @Test
  void withPyzmqNothingHappensInCiOrNot() {
    LibzmqPeer.requireOrSkip(true, null, Map.of("CI", "true"));
    LibzmqPeer.requireOrSkip(true, null, Map.of());
  }

  @Test
  void ciIsAnyValueButEmptyFalseOrZero() {
    assertTrue(LibzmqPeer.isCi(Map.of("CI", "true")));
    assertTrue(LibzmqPeer.isCi(Map.of("CI", "1")));
    assertTrue(LibzmqPeer.isCi(Map.of("CI", "yes")));
    assertFalse(LibzmqPeer.isCi(Map.of("CI", "")));
    assertFalse(LibzmqPeer.isCi(Map.of("CI", "false")));
    assertFalse(LibzmqPeer.isCi(Map.of("CI", "0")));
    assertFalse(LibzmqPeer.isCi(Map.of()));
  }
}
