package io.zeromesh.broker.device;

import io.zeromesh.broker.device.DeviceMetrics.Side;
import io.zeromesh.broker.log.Log;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import zmq.Msg;
import zmq.SocketBase;
import zmq.ZError;
import zmq.ZMQ;
import zmq.poll.PollItem;

/**
 * The device thread's loop, common to every mode: move whole messages in bursts (up to {@link
 * #BATCH} per socket per pass, without waiting), poll only when a pass moved nothing, and obey the
 * control socket (PAUSE, RESUME, TERMINATE; each answered with OK). Metrics are added once per
 * burst. Subclasses say what to poll and how to move messages.
 */
abstract class DeviceLoop {
  static final int BATCH = 256;
  static final byte[] PAUSE = "PAUSE".getBytes(StandardCharsets.US_ASCII);
  static final byte[] RESUME = "RESUME".getBytes(StandardCharsets.US_ASCII);
  static final byte[] TERMINATE = "TERMINATE".getBytes(StandardCharsets.US_ASCII);
  static final byte[] OK = "OK".getBytes(StandardCharsets.US_ASCII);

  /** Idle poll timeout: the bound on how late periodic work ({@link #idle}) runs. */
  static final long IDLE_POLL_MS = 250;

  final SocketBase control;
  final DeviceMetrics metrics;
  final Log log;
  boolean paused;

  /** errno of the last failed {@link #sendMessage}. */
  int lastSendErrno;

  private final PollItem controlItem;
  private final List<PollItem> items = new ArrayList<>();

  DeviceLoop(SocketBase control, DeviceMetrics metrics, Log log) {
    this.control = control;
    this.metrics = metrics;
    this.log = log;
    this.controlItem = new PollItem(control, ZMQ.ZMQ_POLLIN);
  }

  /** One pass moving messages without waiting; returns how many messages moved. */
  abstract int pump();

  /** Adds what to wait for when a pass moved nothing (not the control socket). */
  abstract void pollItems(List<PollItem> into);

  /** Periodic work, at least every {@link #IDLE_POLL_MS} while idle. */
  void idle() {}

  /** Runs until TERMINATE. */
  final void run() {
    try (Selector selector = Selector.open()) {
      long lastIdle = System.nanoTime();
      while (true) {
        int moved = paused ? 0 : pump();
        if (!handleControl()) {
          return;
        }
        long now = System.nanoTime();
        if (moved == 0 || now - lastIdle > IDLE_POLL_MS * 1_000_000) {
          idle();
          lastIdle = now;
        }
        if (moved == 0) {
          items.clear();
          items.add(controlItem);
          if (!paused) {
            pollItems(items);
          }
          int rc = ZMQ.poll(selector, items.toArray(new PollItem[0]), IDLE_POLL_MS);
          if (rc < 0) {
            throw new IllegalStateException("poll failed: errno " + ZError.toString(rc));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Handles pending control commands; false on TERMINATE. */
  private boolean handleControl() {
    Msg cmd;
    while ((cmd = control.recv(ZMQ.ZMQ_DONTWAIT)) != null) {
      byte[] c = cmd.data();
      boolean terminate = java.util.Arrays.equals(c, TERMINATE);
      if (java.util.Arrays.equals(c, PAUSE)) {
        setPaused(true);
      } else if (java.util.Arrays.equals(c, RESUME)) {
        setPaused(false);
      } else if (!terminate) {
        log.warn("unknown_control_command", "command", new String(c, StandardCharsets.US_ASCII));
      }
      control.send(new Msg(OK), 0);
      if (terminate) {
        return false;
      }
    }
    return true;
  }

  private void setPaused(boolean value) {
    if (paused != value) {
      paused = value;
      metrics.paused(value);
      log.info(value ? "paused" : "resumed");
    }
  }

  /**
   * Receives one whole message without waiting into {@code frames}; returns its payload bytes, or
   * -1 when none is ready. The frames after the first are there already (multipart is atomic).
   */
  static long recvMessage(SocketBase from, List<Msg> frames) {
    frames.clear();
    Msg m = from.recv(ZMQ.ZMQ_DONTWAIT);
    if (m == null) {
      return -1;
    }
    frames.add(m);
    long bytes = m.size();
    while (m.hasMore()) {
      m = from.recv(0);
      if (m == null) {
        throw new IllegalStateException("message part missing: errno " + from.errno());
      }
      frames.add(m);
      bytes += m.size();
    }
    return bytes;
  }

  /**
   * Sends {@code frames} as one message, the first frame without waiting; false when the socket
   * cannot take it now ({@link #lastSendErrno}: EAGAIN, or EHOSTUNREACH for an unknown ROUTER
   * peer). Later frames of an accepted first frame never wait.
   */
  final boolean sendMessage(SocketBase to, List<Msg> frames) {
    int last = frames.size() - 1;
    for (int i = 0; i <= last; i++) {
      int flags = i < last ? ZMQ.ZMQ_SNDMORE : 0;
      if (i == 0) {
        flags |= ZMQ.ZMQ_DONTWAIT;
      }
      if (!to.send(frames.get(i), flags)) {
        if (i == 0) {
          lastSendErrno = to.errno();
          return false;
        }
        throw new IllegalStateException("message part refused: errno " + to.errno());
      }
    }
    return true;
  }

  static Side other(Side side) {
    return side == Side.FRONTEND ? Side.BACKEND : Side.FRONTEND;
  }
}
