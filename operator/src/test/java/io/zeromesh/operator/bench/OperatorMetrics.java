package io.zeromesh.operator.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One scrape of the operator's {@code /q/metrics} (Prometheus text format): JOSDK's reconcile
 * counters, summed over the three controllers, and the JVM's heap, summed over its pools.
 *
 * @param reconcilesStarted {@code operator_sdk_reconciliations_started_total}
 * @param reconcilesFailed {@code operator_sdk_reconciliations_failed_total}
 * @param heapUsed {@code jvm_memory_used_bytes{area="heap"}}
 * @param heapCommitted {@code jvm_memory_committed_bytes{area="heap"}}
 * @param heapMax {@code jvm_memory_max_bytes{area="heap"}} of the pools that have a maximum
 * @param liveData {@code jvm_gc_live_data_size_bytes}: old generation after the last collection
 * @param reconciling {@code operator_sdk_reconciliations_executions_<controller>}: reconciles
 *     running now
 * @param queued {@code operator_sdk_reconciliations_queue_size_<controller>}: resources with an
 *     event waiting for a reconcile
 */
record OperatorMetrics(
    double reconcilesStarted,
    double reconcilesFailed,
    double heapUsed,
    double heapCommitted,
    double heapMax,
    double liveData,
    double reconciling,
    double queued) {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static OperatorMetrics scrape(URI metrics) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(20)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(metrics + " answered " + response.statusCode());
    }
    return parse(response.body());
  }

  static OperatorMetrics parse(String text) {
    double started = 0;
    double failed = 0;
    double used = 0;
    double committed = 0;
    double max = 0;
    double live = 0;
    double reconciling = 0;
    double queued = 0;
    boolean sawReconcileCounter = false;
    boolean sawHeap = false;
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      double value = Double.parseDouble(line.substring(space + 1));
      String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
      boolean heap = series.contains("area=\"heap\"");
      switch (name) {
        case "operator_sdk_reconciliations_started_total" -> {
          started += value;
          sawReconcileCounter = true;
        }
        case "operator_sdk_reconciliations_failed_total" -> failed += value;
        case "jvm_memory_used_bytes" -> {
          if (heap) {
            used += value;
            sawHeap = true;
          }
        }
        case "jvm_memory_committed_bytes" -> committed += heap ? value : 0;
        case "jvm_memory_max_bytes" -> max += heap && value > 0 ? value : 0;
        case "jvm_gc_live_data_size_bytes" -> live = value;
        default -> {
          if (name.startsWith("operator_sdk_reconciliations_executions_")) {
            reconciling += value;
          } else if (name.startsWith("operator_sdk_reconciliations_queue_size_")) {
            queued += value;
          }
          // else not a figure of the benchmark
        }
      }
    }
    if (!sawHeap) {
      throw new IllegalStateException("no jvm_memory_used_bytes{area=\"heap\"} in /q/metrics");
    }
    // JOSDK registers the counter on the first reconcile: absent before that means zero.
    return new OperatorMetrics(
        sawReconcileCounter ? started : 0, failed, used, committed, max, live, reconciling, queued);
  }
}
