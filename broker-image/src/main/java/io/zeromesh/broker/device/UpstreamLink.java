package io.zeromesh.broker.device;

import io.zeromesh.broker.log.Log;
import java.util.concurrent.TimeUnit;
import zmq.SocketBase;

/**
 * An upstream endpoint the forwarder connects out to. JeroMQ resolves the host name when connect is
 * called and fails if it does not resolve; in Kubernetes the upstream's Service may not be
 * resolvable yet, so a failed connect is retried (every {@link #RETRY_NANOS}) instead of failing
 * the device. Once connected, ZeroMQ's own reconnection takes over.
 */
final class UpstreamLink {
  static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final SocketBase socket;
  private final String endpoint;

  UpstreamLink(SocketBase socket, String endpoint) {
    this.socket = socket;
    this.endpoint = endpoint;
  }

  /** Connects; false (logged) when JeroMQ refused, to be tried again later. */
  boolean tryConnect(Log log) {
    boolean ok;
    String error = "";
    try {
      ok = socket.connect(endpoint);
      if (!ok) {
        error = "errno " + socket.errno();
      }
    } catch (RuntimeException e) {
      ok = false;
      error = e.getMessage();
    }
    if (ok) {
      log.info("upstream_connecting", "endpoint", endpoint);
    } else {
      log.warn("upstream_connect_failed", "endpoint", endpoint, "error", error, "retry_s", 2);
    }
    return ok;
  }
}
