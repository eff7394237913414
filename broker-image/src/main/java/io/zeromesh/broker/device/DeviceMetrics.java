package io.zeromesh.broker.device;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The device's Prometheus metrics (names fixed by docs/contracts.md). The device thread adds to the
 * counters once per batch, not per message; the admin server reads them from its own thread.
 */
public final class DeviceMetrics {
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
     * A connection refused by the CURVE allow-list (ZAP), or a reply to a client that is gone.
     * (Plaintext peers of a CURVE socket fail the handshake unseen: JeroMQ 0.6.0 reports nothing.)
     */
    REFUSED;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final String mode;
  private final String version;
  private final AtomicLong[] messagesIn = counters(2);
  private final AtomicLong[] messagesOut = counters(2);
  private final AtomicLong[] bytesIn = counters(2);
  private final AtomicLong[] bytesOut = counters(2);
  private final AtomicLong[] peers = counters(2);
  private final AtomicLong[] dropped = counters(2 * DropReason.values().length);
  private final AtomicLong subscriptions = new AtomicLong();
  private final AtomicLong startGateBuffered = new AtomicLong();
  private volatile boolean paused;

  public DeviceMetrics(String mode, String version) {
    this.mode = mode;
    this.version = version;
  }

  private static AtomicLong[] counters(int n) {
    AtomicLong[] a = new AtomicLong[n];
    for (int i = 0; i < n; i++) {
      a[i] = new AtomicLong();
    }
    return a;
  }

  void received(Side side, long messages, long bytes) {
    messagesIn[side.ordinal()].addAndGet(messages);
    bytesIn[side.ordinal()].addAndGet(bytes);
  }

  void sent(Side side, long messages, long bytes) {
    messagesOut[side.ordinal()].addAndGet(messages);
    bytesOut[side.ordinal()].addAndGet(bytes);
  }

  void dropped(Side side, DropReason reason, long messages) {
    dropped[side.ordinal() * DropReason.values().length + reason.ordinal()].addAndGet(messages);
  }

  /** A peer connected (+1) or went away (-1); the gauge never goes below zero. */
  void peerDelta(Side side, int delta) {
    peers[side.ordinal()].accumulateAndGet(delta, (cur, d) -> Math.max(0, cur + d));
  }

  void subscriptions(long count) {
    subscriptions.set(count);
  }

  void startGateBuffered(long count) {
    startGateBuffered.set(count);
  }

  void paused(boolean value) {
    paused = value;
  }

  public long messagesIn(Side side) {
    return messagesIn[side.ordinal()].get();
  }

  public long messagesOut(Side side) {
    return messagesOut[side.ordinal()].get();
  }

  public long bytesIn(Side side) {
    return bytesIn[side.ordinal()].get();
  }

  public long bytesOut(Side side) {
    return bytesOut[side.ordinal()].get();
  }

  public long peers(Side side) {
    return peers[side.ordinal()].get();
  }

  public long dropped(Side side, DropReason reason) {
    return dropped[side.ordinal() * DropReason.values().length + reason.ordinal()].get();
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

  /** Prometheus text exposition format 0.0.4. */
  public String render() {
    StringBuilder b = new StringBuilder(2048);
    header(b, "zeromesh_messages_total", "counter", "Messages received (in) or sent (out).");
    for (Side s : Side.values()) {
      line(b, "zeromesh_messages_total", s, "in", messagesIn(s));
      line(b, "zeromesh_messages_total", s, "out", messagesOut(s));
    }
    header(b, "zeromesh_bytes_total", "counter", "Payload bytes of all frames, in and out.");
    for (Side s : Side.values()) {
      line(b, "zeromesh_bytes_total", s, "in", bytesIn(s));
      line(b, "zeromesh_bytes_total", s, "out", bytesOut(s));
    }
    header(b, "zeromesh_connected_peers", "gauge", "Connected peers per socket.");
    for (Side s : Side.values()) {
      b.append("zeromesh_connected_peers{socket=\"").append(s.label()).append("\"} ");
      b.append(peers(s)).append('\n');
    }
    header(b, "zeromesh_dropped_messages_total", "counter", "Messages dropped, by reason.");
    for (Side s : Side.values()) {
      for (DropReason r : DropReason.values()) {
        b.append("zeromesh_dropped_messages_total{socket=\"").append(s.label());
        b.append("\",reason=\"").append(r.label()).append("\"} ");
        b.append(dropped(s, r)).append('\n');
      }
    }
    header(b, "zeromesh_subscriptions", "gauge", "Distinct topic subscriptions held (forwarder).");
    b.append("zeromesh_subscriptions ").append(subscriptions()).append('\n');
    header(
        b,
        "zeromesh_start_gate_buffered_messages",
        "gauge",
        "Messages held by the forwarder start gate.");
    b.append("zeromesh_start_gate_buffered_messages ").append(startGateBuffered()).append('\n');
    header(b, "zeromesh_device_paused", "gauge", "1 while the device is paused.");
    b.append("zeromesh_device_paused ").append(paused ? 1 : 0).append('\n');
    header(b, "zeromesh_device_info", "gauge", "Device mode and version; always 1.");
    b.append("zeromesh_device_info{mode=\"").append(mode).append("\",version=\"");
    b.append(version).append("\"} 1\n");
    return b.toString();
  }

  private static void header(StringBuilder b, String name, String type, String help) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void line(StringBuilder b, String name, Side s, String direction, long v) {
    b.append(name).append("{socket=\"").append(s.label()).append("\",direction=\"");
    b.append(direction).append("\"} ").append(v).append('\n');
  }
}
