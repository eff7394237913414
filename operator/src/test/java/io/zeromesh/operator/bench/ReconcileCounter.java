package io.zeromesh.operator.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * JOSDK metrics that count reconciliations: each call of a reconciler, whether it succeeded or
 * threw. The benchmark hands it to the operator, so it reports real reconciles, not only the status
 * writes they lead to.
 */
final class ReconcileCounter implements Metrics {
  private final LongAdder started = new LongAdder();
  private final LongAdder failed = new LongAdder();

  /** Reconciles started and failed so far. */
  record Count(long started, long failed) {
    Count minus(Count earlier) {
      return new Count(started - earlier.started, failed - earlier.failed);
    }
  }

  Count now() {
    return new Count(started.sum(), failed.sum());
  }

  @Override
  public void reconcileCustomResource(
      HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
    started.increment();
  }

  @Override
  public void failedReconciliation(
      HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    failed.increment();
  }
}
