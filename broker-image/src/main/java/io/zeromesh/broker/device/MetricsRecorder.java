package io.zeromesh.broker.device;

import io.zeromesh.broker.device.DeviceMetrics.DropReason;
import io.zeromesh.broker.device.DeviceMetrics.Side;

/**
 * The writing half of {@link DeviceMetrics} for devices outside this package (the ZMTP engine,
 * {@code io.zeromesh.broker.engine}); DeviceMetrics keeps its mutators package-private.
 */
public final class MetricsRecorder {
  private final DeviceMetrics metrics;

  public MetricsRecorder(DeviceMetrics metrics) {
    this.metrics = metrics;
  }

  public DeviceMetrics metrics() {
    return metrics;
  }

  public void received(Side side, long messages, long bytes) {
    metrics.received(side, messages, bytes);
  }

  public void sent(Side side, long messages, long bytes) {
    metrics.sent(side, messages, bytes);
  }

  public void dropped(Side side, DropReason reason, long messages) {
    metrics.dropped(side, reason, messages);
  }

  public void peerDelta(Side side, int delta) {
    metrics.peerDelta(side, delta);
  }

  public void subscriptions(long count) {
    metrics.subscriptions(count);
  }

  public void startGateBuffered(long count) {
    metrics.startGateBuffered(count);
  }

  public void paused(boolean value) {
    metrics.paused(value);
  }
}
