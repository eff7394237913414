package io.zeromesh.broker.device;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The device's Prometheus metrics (names fixed by docs/contracts.md), kept by the Prometheus Java
 * client (client_java 1.x) in a registry of the device's own. The device thread adds to the
 * counters once per batch, not per message; the admin server scrapes from its own thread.
 */
public final class DeviceMetrics {
  /** The version in {@code zeromesh_device_info}: the jar's, or the project's when run unpacked. */
  public static final String VERSION = versionOf();

  private static String versionOf() {
    String v = DeviceMetrics.class.getPackage().getImplementationVersion();
    return v != null ? v : "0.1.0";
  }

  /** The two device sockets, as the {@code socket} label names them. */
  public enum Side {
    FRONTEND,
    BACKEND;

    String label() {
      return this == FRONTEND ? "frontend" : "backend";
    }
  }

  /** Why a message was dropped, as the {@code reason} label names it. */
  public enum DropReason {
    /** A peer's pipe was full (ROUTER reply), or the start gate buffer overflowed. */
    HWM,
    /** A frame above --max-msg-size: the peer was disconnected. */
    OVERSIZE,
    /**
     * A connection refused by the CURVE allow-list (ZAP), or a reply to a client that is gone. (A
     * peer that fails the CURVE handshake otherwise, plaintext or spoilt, is not counted.)
     */
    REFUSED;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final CounterDataPoint[] messagesIn = new CounterDataPoint[2];
  private final CounterDataPoint[] messagesOut = new CounterDataPoint[2];
  private final CounterDataPoint[] bytesIn = new CounterDataPoint[2];
  private final CounterDataPoint[] bytesOut = new CounterDataPoint[2];
  private final CounterDataPoint[] dropped = new CounterDataPoint[2 * DropReason.values().length];
  private final AtomicLong[] peers = {new AtomicLong(), new AtomicLong()};
  private final AtomicLong subscriptions = new AtomicLong();
  private final AtomicLong startGateBuffered = new AtomicLong();
  private volatile boolean paused;

  /** Registers every metric of the contract, each series at 0, in a registry of its own. */
  public DeviceMetrics(String mode, String version) {
    Counter messages =
        Counter.builder()
            .name("zeromesh_messages_total")
            .help("Messages received (in) or sent (out).")
            .labelNames("socket", "direction")
            .register(registry);
    Counter bytes =
        Counter.builder()
            .name("zeromesh_bytes_total")
            .help("Payload bytes of all frames, in and out.")
            .labelNames("socket", "direction")
            .register(registry);
    GaugeWithCallback.builder()
        .name("zeromesh_connected_peers")
        .help("Connected peers per socket.")
        .labelNames("socket")
        .callback(
            cb -> {
              for (Side s : Side.values()) {
                cb.call(peers(s), s.label());
              }
            })
        .register(registry);
    Counter drops =
        Counter.builder()
            .name("zeromesh_dropped_messages_total")
            .help("Messages dropped, by reason.")
            .labelNames("socket", "reason")
            .register(registry);
    for (Side s : Side.values()) {
      int i = s.ordinal();
      messagesIn[i] = messages.labelValues(s.label(), "in");
      messagesOut[i] = messages.labelValues(s.label(), "out");
      bytesIn[i] = bytes.labelValues(s.label(), "in");
      bytesOut[i] = bytes.labelValues(s.label(), "out");
      for (DropReason r : DropReason.values()) {
        dropped[index(s, r)] = drops.labelValues(s.label(), r.label());
      }
    }
    gauge(
        "zeromesh_subscriptions",
        "Distinct topic subscriptions held (forwarder).",
        this::subscriptions);
    gauge(
        "zeromesh_start_gate_buffered_messages",
        "Messages held by the forwarder start gate.",
        this::startGateBuffered);
    gauge("zeromesh_device_paused", "1 while the device is paused.", () -> paused ? 1 : 0);
    Info info =
        Info.builder()
            .name("zeromesh_device_info")
            .help("Device mode and version; always 1.")
            .labelNames("mode", "version")
            .register(registry);
    info.setLabelValues(mode, version);
  }

  private void gauge(String name, String help, java.util.function.LongSupplier value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .callback(cb -> cb.call(value.getAsLong()))
        .register(registry);
  }

  private static int index(Side side, DropReason reason) {
    return side.ordinal() * DropReason.values().length + reason.ordinal();
  }

  /** Messages and their payload bytes (every frame) received on {@code side}. */
  public void received(Side side, long messages, long bytes) {
    messagesIn[side.ordinal()].inc(messages);
    bytesIn[side.ordinal()].inc(bytes);
  }

  /** Messages and their payload bytes (every frame) sent on {@code side}. */
  public void sent(Side side, long messages, long bytes) {
    messagesOut[side.ordinal()].inc(messages);
    bytesOut[side.ordinal()].inc(bytes);
  }

  public void dropped(Side side, DropReason reason, long messages) {
    dropped[index(side, reason)].inc(messages);
  }

  /** A peer connected (+1) or went away (-1); the gauge never goes below zero. */
  public void peerDelta(Side side, int delta) {
    peers[side.ordinal()].accumulateAndGet(delta, (cur, d) -> Math.max(0, cur + d));
  }

  public void subscriptions(long count) {
    subscriptions.set(count);
  }

  public void startGateBuffered(long count) {
    startGateBuffered.set(count);
  }

  public void paused(boolean value) {
    paused = value;
  }

  public long messagesIn(Side side) {
    return messagesIn[side.ordinal()].getLongValue();
  }

  public long messagesOut(Side side) {
    return messagesOut[side.ordinal()].getLongValue();
  }

  public long bytesIn(Side side) {
    return bytesIn[side.ordinal()].getLongValue();
  }

  public long bytesOut(Side side) {
    return bytesOut[side.ordinal()].getLongValue();
  }

  public long peers(Side side) {
    return peers[side.ordinal()].get();
  }

  public long dropped(Side side, DropReason reason) {
    return dropped[index(side, reason)].getLongValue();
  }

  public long subscriptions() {
    return subscriptions.get();
  }

  public long startGateBuffered() {
    return startGateBuffered.get();
  }

  public boolean paused() {
    return paused;
  }

  /** The registry holding this device's metrics (what {@code /metrics} exposes). */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** Prometheus text exposition format 0.0.4, as the client library writes it. */
  public String render() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
