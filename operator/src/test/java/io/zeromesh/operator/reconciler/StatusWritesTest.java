package io.zeromesh.operator.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.testing.TestResources;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A status is written only when the server does not have it yet. */
class StatusWritesTest {
  private final ZmqBroker broker = TestResources.stored(TestResources.broker("n", "b", s -> {}));
  private final String uid = broker.getMetadata().getUid();

  @Test
  void theObservedStatusIsNotWrittenAgainANewOneIs() {
    Map<String, Object> written = new HashMap<>();
    assertTrue(DeviceReconciliation.unchanged(broker, null, "a", "a", written));
    assertFalse(DeviceReconciliation.unchanged(broker, null, "a", "b", written));
    assertFalse(DeviceReconciliation.unchanged(broker, null, null, "a", written));
  }

  @Test
  void theLastWriteCountsWhileTheCacheStillShowsAnOlderStatus() {
    Map<String, Object> written = new HashMap<>(Map.of(uid, "b"));
    // The cache went back to "a" (a concurrent change's event after the write): "b" is there.
    assertTrue(DeviceReconciliation.unchanged(broker, null, "a", "b", written));
    assertFalse(DeviceReconciliation.unchanged(broker, null, "a", "c", written));
    // Once the cache shows the write, it is forgotten.
    assertTrue(DeviceReconciliation.unchanged(broker, null, "b", "b", written));
    assertEquals(Map.of(), written);
  }

  @Test
  void theNextStatusIsComputedFromTheWriteTheCacheDoesNotShowYet() {
    Map<String, Object> written = new HashMap<>(Map.of(uid, "b"));
    // Cache without the write (null: the first reconcile's write still on its way): "b" counts,
    // so a condition keeps the lastTransitionTime "b" has rather than get a new one.
    assertEquals("b", DeviceReconciliation.lastWrite(broker, null, null, written));
    assertEquals("b", DeviceReconciliation.lastWrite(broker, null, "a", written));
    // The cache shows it: the cached status is the one.
    assertNull(DeviceReconciliation.lastWrite(broker, null, "b", written));
    assertEquals(Map.of(), written);
  }

  @Test
  void aRetryForgetsTheLastWriteWhichMayHaveFailed() {
    Map<String, Object> written = new HashMap<>(Map.of(uid, "b"));
    assertFalse(DeviceReconciliation.unchanged(broker, retrying(), "a", "b", written));
    assertEquals(Map.of(), written);
  }

  private static Context<?> retrying() {
    RetryInfo retry =
        new RetryInfo() {
          @Override
          public int getAttemptCount() {
            return 1;
          }

          @Override
          public boolean isLastAttempt() {
            return false;
          }
        };
    return (Context<?>)
        Proxy.newProxyInstance(
            Context.class.getClassLoader(),
            new Class<?>[] {Context.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getRetryInfo")) {
                return Optional.of(retry);
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }
}
