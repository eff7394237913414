package io.zeromesh.broker.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A listener whose accept queue is full: SYNs to it are dropped, so a connect to it stays pending,
 * as one to a vanished pod IP does. Loopback only (127.0.0.x).
 */
public final class Blackhole implements AutoCloseable {
  private final ServerSocket listener;
  private final List<Socket> fillers = new ArrayList<>();

  public Blackhole(InetAddress at, int port) throws IOException {
    listener = new ServerSocket();
    listener.bind(new InetSocketAddress(at, port), 1);
    for (int i = 0; i < 16; i++) {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(at, port), 300);
        fillers.add(s);
      } catch (SocketTimeoutException full) {
        s.close();
        return;
      }
    }
    close();
    throw new IllegalStateException("the accept queue of " + at + ":" + port + " never filled");
  }

  @Override
  public void close() throws IOException {
    for (Socket s : fillers) {
      s.close();
    }
    listener.close();
  }
}
