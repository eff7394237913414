package io.zeromesh.broker.probe;

import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQ.Socket;
import org.zeromq.ZMQException;

/**
 * The endpoints a connecting probe socket connects to, each resolved by the probe and kept current:
 * what libzmq does with {@code ZMQ_CONNECT_TIMEOUT} and a resolution on every reconnect, which
 * JeroMQ 0.6.0 lacks.
 *
 * <p>JeroMQ resolves a host name on each reconnect, but a TCP connect to an address that vanished
 * (a replaced StatefulSet replica's old pod IP, which the name still resolved to a moment ago)
 * stays in {@code SYN-SENT} until the kernel gives up (about 127 s with {@code tcp_syn_retries} 6),
 * and JeroMQ has no timer on a pending connect. So the probe resolves each {@code tcp://host:port}
 * itself and connects the socket to the address literal; a socket monitor tells which address is
 * up. An endpoint not connected for {@code connectTimeoutMs} (a connect pending, or refused over
 * and over) is disconnected and connected again to a fresh resolution of its name, and one whose
 * connection dropped or was refused is re-resolved at once and moved when its name now points
 * elsewhere. An established connection is never cut: a replica on its way out may still be handing
 * over what it holds.
 *
 * <p>Only the socket's own thread may call {@link #maintain}, as with any ZeroMQ socket.
 */
final class ProbeLinks implements AutoCloseable {
  /** Resolves a host name: the JVM's resolver, or a test's. */
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;

    Resolver SYSTEM = InetAddress::getAllByName;
  }

  /** Re-resolving a name at most this often (per endpoint) while it is down. */
  static final long RESOLVE_EVERY_MS = 250;

  private static final AtomicInteger MONITORS = new AtomicInteger();
  private static final int EVENTS =
      ZMQ.EVENT_CONNECTED
          | ZMQ.EVENT_CONNECT_DELAYED
          | ZMQ.EVENT_CONNECT_RETRIED
          | ZMQ.EVENT_DISCONNECTED;

  private final ZContext ctx;
  private final Socket socket;
  private final Resolver resolver;
  private final long timeoutNanos;
  private final LongSupplier clock;
  private final PrintStream log;
  private final String label;
  private final List<Link> links = new ArrayList<>();
  private final Socket monitor;

  /** One endpoint as given, and the address it is connected to now. */
  private static final class Link {
    final String endpoint;
    final String host;
    final int port;

    /** The address literal the socket is connected to ({@code tcp://ip:port}), null if none. */
    String current;

    boolean up;
    long downSinceNanos;
    long lastResolveNanos;
    boolean saidUnresolved;
    long moves;

    Link(String endpoint, String host, int port, long now) {
      this.endpoint = endpoint;
      this.host = host;
      this.port = port;
      this.downSinceNanos = now;
      this.lastResolveNanos = now - TimeUnit.DAYS.toNanos(1);
    }
  }

  /**
   * Connects {@code socket} to each endpoint. {@code connectTimeoutMs} 0 leaves pending connects to
   * the kernel (JeroMQ's own behaviour; names are still re-resolved when a connection drops).
   */
  ProbeLinks(
      ZContext ctx,
      Socket socket,
      List<String> endpoints,
      Resolver resolver,
      long connectTimeoutMs,
      LongSupplier clock,
      PrintStream log,
      String label) {
    this.ctx = ctx;
    this.socket = socket;
    this.resolver = resolver;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(connectTimeoutMs);
    this.clock = clock;
    this.log = log;
    this.label = label;
    String monitorAddress = "inproc://probe-links-" + MONITORS.incrementAndGet();
    if (!socket.monitor(monitorAddress, EVENTS)) {
      throw new ZMQException("cannot monitor the socket", socket.errno());
    }
    this.monitor = ctx.createSocket(SocketType.PAIR);
    monitor.connect(monitorAddress);
    long now = clock.getAsLong();
    for (String endpoint : endpoints) {
      if (!endpoint.startsWith("tcp://")) {
        socket.connect(endpoint); // ipc: nothing to resolve
        continue;
      }
      URI uri = URI.create(endpoint);
      String host = uri.getHost();
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      Link link = new Link(endpoint, host, uri.getPort(), now);
      links.add(link);
      relink(link, now);
    }
  }

  /**
   * Applies the socket's connection events and acts on endpoints down too long; cheap when idle.
   */
  void maintain() {
    long now = clock.getAsLong();
    ZMQ.Event event;
    while ((event = ZMQ.Event.recv(monitor, ZMQ.DONTWAIT)) != null) {
      Link link = linkAt(event.getAddress());
      if (link == null) {
        continue; // an address this socket has left already
      }
      switch (event.getEvent()) {
        case ZMQ.EVENT_CONNECTED -> link.up = true;
        case ZMQ.EVENT_CONNECT_DELAYED -> {
          // a connect pending: the timeout runs from when the link went down
        }
        case ZMQ.EVENT_CONNECT_RETRIED -> {
          // The connect was answered (refused, unreachable): not the silent SYN the bound is for.
          // JeroMQ retries it itself; connecting again would drop what the socket queued for it
          // (a producer started before its device lost its first tasks so in `make demo`).
          link.up = false;
          link.downSinceNanos = now;
          moveIfRenamed(link, now);
        }
        case ZMQ.EVENT_DISCONNECTED -> {
          if (link.up) {
            link.up = false;
            link.downSinceNanos = now;
          }
          moveIfRenamed(link, now);
        }
        default -> {}
      }
    }
    for (Link link : links) {
      if (link.up) {
        continue;
      }
      if (link.current == null) {
        if (now - link.lastResolveNanos >= TimeUnit.MILLISECONDS.toNanos(RESOLVE_EVERY_MS)) {
          relink(link, now);
        }
      } else if (timeoutNanos > 0 && now - link.downSinceNanos >= timeoutNanos) {
        log.println(
            "probe "
                + label
                + ": "
                + link.endpoint
                + " at "
                + link.current
                + " not connected after "
                + TimeUnit.NANOSECONDS.toMillis(now - link.downSinceNanos)
                + " ms: connecting again");
        relink(link, now);
      }
    }
  }

  /** How many times an endpoint was connected again (to a new address or after a timeout). */
  long moves() {
    long moves = 0;
    for (Link l : links) {
      moves += l.moves;
    }
    return moves;
  }

  /** The endpoints whose name has not resolved once (so the socket never connected to them). */
  List<String> neverResolved() {
    return links.stream().filter(l -> l.current == null).map(l -> l.endpoint).toList();
  }

  /** Whether every tcp endpoint is connected now (as far as the events read so far tell). */
  boolean allUp() {
    return links.stream().allMatch(l -> l.up);
  }

  @Override
  public void close() {
    ctx.destroySocket(monitor);
  }

  private Link linkAt(String address) {
    for (Link l : links) {
      if (address.equals(l.current)) {
        return l;
      }
    }
    return null;
  }

  /** A connection dropped or refused: when the name resolves elsewhere now, go there at once. */
  private void moveIfRenamed(Link link, long now) {
    if (now - link.lastResolveNanos < TimeUnit.MILLISECONDS.toNanos(RESOLVE_EVERY_MS)) {
      return;
    }
    String fresh = resolve(link, now);
    if (fresh != null && !fresh.equals(link.current)) {
      log.println(
          "probe " + label + ": " + link.endpoint + " moved from " + link.current + " to " + fresh);
      connectTo(link, fresh, now);
    }
  }

  /**
   * Leaves the link's address (if any) and connects to a fresh resolution; with none, the link
   * waits unconnected and {@link #maintain} resolves again.
   */
  private void relink(Link link, long now) {
    String fresh = resolve(link, now);
    if (fresh == null) {
      if (link.current != null) {
        // Keep what we have (JeroMQ retries it) rather than nothing; the timeout comes round again.
        link.downSinceNanos = now;
      }
      return;
    }
    connectTo(link, fresh, now);
  }

  private void connectTo(Link link, String address, long now) {
    if (link.current != null) {
      socket.disconnect(link.current);
      link.moves++;
    }
    if (!address.equals(link.current)) {
      log.println("probe " + label + ": connecting " + link.endpoint + " at " + address);
    }
    link.up = false;
    link.downSinceNanos = now;
    link.current = address;
    socket.connect(address);
  }

  /**
   * The endpoint's address literal now ({@code tcp://ip:port}), null when the name resolves not.
   */
  private String resolve(Link link, long now) {
    link.lastResolveNanos = now;
    InetAddress[] all;
    try {
      all = resolver.resolve(link.host);
    } catch (UnknownHostException e) {
      if (!link.saidUnresolved) {
        log.println(
            "probe " + label + ": " + link.endpoint + " does not resolve yet, retrying: " + e);
        link.saidUnresolved = true;
      }
      return null;
    }
    link.saidUnresolved = false;
    InetAddress chosen = null;
    for (InetAddress a : all) {
      if (a instanceof Inet4Address) {
        chosen = a; // as JeroMQ without ZMQ_IPV6: the first IPv4 address
        break;
      }
    }
    if (chosen == null && all.length > 0) {
      chosen = all[0];
    }
    if (chosen == null) {
      return null;
    }
    return literal(chosen, link.port);
  }

  /** The form JeroMQ gives a resolved TCP address in its monitor events. */
  static String literal(InetAddress address, int port) {
    String host = address.getHostAddress();
    return address instanceof Inet6Address
        ? "tcp://[" + host + "]:" + port
        : "tcp://" + host + ":" + port;
  }
}
