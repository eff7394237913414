package io.zeromesh.broker.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free TCP ports on 127.0.0.1, distinct within one test run. */
public final class Ports {
  private static final Set<Integer> handedOut = new HashSet<>();

  private Ports() {}

  /** A port that was free a moment ago (the kernel picks it; the test binds it right after). */
  public static synchronized int free() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        s.setReuseAddress(true);
        int port = s.getLocalPort();
        if (handedOut.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no free port after 50 attempts");
  }

  public static String tcp(int port) {
    return "tcp://127.0.0.1:" + port;
  }
}
