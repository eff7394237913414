package io.zeromesh.broker.device;

import io.zeromesh.broker.device.DeviceMetrics.Side;
import io.zeromesh.broker.log.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * Counts connected peers per device socket from socket monitor events, on its own thread: a
 * connection accepted (or, for upstream links, connected) adds one, its disconnection removes one.
 * (JeroMQ 0.6.0 reports no handshake failures on the server side: refusals are counted by the ZAP
 * handler.)
 */
final class PeerMonitor implements Runnable {
  private static final AtomicInteger IDS = new AtomicInteger();
  private static final int EVENTS =
      ZMQ.EVENT_ACCEPTED | ZMQ.EVENT_CONNECTED | ZMQ.EVENT_DISCONNECTED;

  private final ZMQ.Context context;
  private final DeviceMetrics metrics;
  private final Log log;
  private final List<ZMQ.Socket> sinks = new ArrayList<>();
  private final List<Side> sides = new ArrayList<>();
  private volatile boolean stopping;

  PeerMonitor(ZMQ.Context context, DeviceMetrics metrics, Log log) {
    this.context = context;
    this.metrics = metrics;
    this.log = log;
  }

  /** Starts monitoring {@code socket}; call on the socket's thread, before it binds or connects. */
  void watch(ZMQ.Socket socket, Side side) {
    String endpoint = "inproc://zeromesh-monitor-" + IDS.incrementAndGet();
    if (!socket.monitor(endpoint, EVENTS)) {
      throw new IllegalStateException("cannot monitor socket: errno " + socket.errno());
    }
    ZMQ.Socket sink = context.socket(SocketType.PAIR);
    sink.setLinger(0);
    sink.connect(endpoint);
    sinks.add(sink);
    sides.add(side);
  }

  /** Releases the sockets when the device failed to start before this thread ran. */
  void closeUnstarted() {
    for (ZMQ.Socket s : sinks) {
      s.close();
    }
  }

  void stop() {
    stopping = true;
  }

  @Override
  public void run() {
    ZMQ.Poller poller = context.poller(sinks.size());
    try {
      for (ZMQ.Socket s : sinks) {
        poller.register(s, ZMQ.Poller.POLLIN);
      }
      while (!stopping) {
        if (poller.poll(100) <= 0) {
          continue;
        }
        for (int i = 0; i < sinks.size(); i++) {
          if (poller.pollin(i)) {
            drain(sinks.get(i), sides.get(i));
          }
        }
      }
    } catch (RuntimeException e) {
      if (!stopping) {
        log.error("monitor_failed", "error", e.toString());
      }
    } finally {
      poller.close();
      for (ZMQ.Socket s : sinks) {
        s.close();
      }
    }
  }

  private void drain(ZMQ.Socket sink, Side side) {
    ZMQ.Event event;
    while ((event = ZMQ.Event.recv(sink, ZMQ.DONTWAIT)) != null) {
      switch (event.getEvent()) {
        case ZMQ.EVENT_ACCEPTED:
        case ZMQ.EVENT_CONNECTED:
          metrics.peerDelta(side, 1);
          log.debug("peer_connected", "socket", side.label(), "address", event.getAddress());
          break;
        case ZMQ.EVENT_DISCONNECTED:
          metrics.peerDelta(side, -1);
          log.debug("peer_disconnected", "socket", side.label(), "address", event.getAddress());
          break;
        default:
          break;
      }
    }
  }
}
