package io.zeromesh.broker.probe;

import io.zeromesh.broker.probe.ProbeConfig.ProbeMode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQ.Socket;
import org.zeromq.ZMQException;

/**
 * Runs one probe role until its count, its expectation (receivers), its timeout or a stop request.
 * Every blocking call waits at most {@link #SLICE_MS}, so the stop flag and the deadline are
 * honoured within that.
 */
final class ProbeRunner {
  static final int SLICE_MS = 100;

  /** Upper bound on flushing queued messages when a sender closes. */
  static final long FLUSH_MS = 5000;

  private final ProbeConfig cfg;
  private final ProbeStats stats;
  private final AtomicBoolean stop;
  private final PrintStream log;
  private final long deadlineNanos;
  private final long stream = new SecureRandom().nextLong() & Long.MAX_VALUE;
  private final byte[] identityFrame;
  private final ProbeLinks.Resolver resolver;

  /** The connecting sockets' endpoints, kept current on every slice ({@link #tick}). */
  private final Map<Socket, ProbeLinks> links = new IdentityHashMap<>();

  /** Endpoints whose name never resolved while their socket was open: the run failed. */
  private final java.util.Set<String> unresolved = new java.util.TreeSet<>();

  ProbeRunner(ProbeConfig cfg, ProbeStats stats, AtomicBoolean stop, PrintStream log) {
    this(cfg, stats, stop, log, ProbeLinks.Resolver.SYSTEM);
  }

  ProbeRunner(
      ProbeConfig cfg,
      ProbeStats stats,
      AtomicBoolean stop,
      PrintStream log,
      ProbeLinks.Resolver resolver) {
    this.cfg = cfg;
    this.resolver = resolver;
    this.stats = stats;
    this.stop = stop;
    this.log = log;
    this.deadlineNanos =
        cfg.timeoutSeconds() == 0
            ? Long.MAX_VALUE
            : System.nanoTime() + TimeUnit.SECONDS.toNanos(cfg.timeoutSeconds());
    this.identityFrame =
        cfg.identity() == null ? null : cfg.identity().getBytes(StandardCharsets.UTF_8);
  }

  /** Runs the role; true when its expectation is met. */
  boolean run(ZContext ctx) {
    switch (cfg.mode()) {
      case PUB -> publish(ctx);
      case PUSH -> push(ctx);
      case REQ -> request(ctx);
      case SUB, PULL -> receive(ctx);
      case REP -> reply(ctx);
      case WORKER -> work(ctx);
      default -> throw new IllegalStateException(cfg.mode().toString());
    }
    for (ProbeLinks l : List.copyOf(links.values())) {
      // sockets a role left to the context (a publisher that never got a subscription)
      stats.reconnected(l.moves());
      unresolved.addAll(l.neverResolved());
    }
    stats.finish();
    return expectationMet();
  }

  /** Why the run failed, for stderr; null when it did not. */
  String shortfall() {
    if (expectationMet()) {
      return null;
    }
    if (!unresolved.isEmpty()) {
      return String.join(",", unresolved) + " never resolved before the probe stopped";
    }
    if (cfg.expect() > 0) {
      return "expected at least " + cfg.expect() + " " + noun() + ", got " + stats.received();
    }
    if (cfg.mode() == ProbeMode.REQ && stats.lost() > 0) {
      return stats.lost() + " of " + stats.sent() + " requests got no reply";
    }
    if (cfg.mode().sends()) {
      return "sent " + stats.sent() + " of " + cfg.count() + " before stopping";
    }
    return "received " + stats.received() + " of " + cfg.count() + " before stopping";
  }

  private String noun() {
    return cfg.mode() == ProbeMode.REQ ? "replies" : "messages";
  }

  private boolean expectationMet() {
    if (!unresolved.isEmpty()) {
      return false;
    }
    if (cfg.expect() > 0) {
      return stats.received() >= cfg.expect();
    }
    switch (cfg.mode()) {
      case REQ:
        return stats.lost() == 0 && (cfg.count() == 0 || stats.received() >= cfg.count());
      case PUB:
      case PUSH:
        return cfg.count() == 0 || stats.sent() >= cfg.count();
      default:
        return cfg.count() == 0 || stats.received() >= cfg.count();
    }
  }

  private boolean done() {
    return stop.get() || System.nanoTime() - deadlineNanos >= 0;
  }

  /**
   * Between two blocking calls of at most a slice: keeps every connecting socket's links current.
   */
  private void tick() {
    for (ProbeLinks l : links.values()) {
      l.maintain();
    }
  }

  private long remainingMs() {
    if (deadlineNanos == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }

  // ---- senders ----

  private void publish(ZContext ctx) {
    // XPUB is PUB on the wire, and shows subscriptions: nothing is sent before a subscriber is
    // there to get it (a PUB would drop everything sent before the subscription arrived).
    Socket pub = open(ctx, SocketType.XPUB, cfg.endpoints(), cfg.bind());
    pub.setXpubNoDrop(true);
    log.println("probe pub: waiting for a subscription on " + String.join(",", cfg.endpoints()));
    boolean subscribed = false;
    while (!subscribed && !done()) {
      tick();
      subscribed = pub.recv(0) != null;
    }
    if (!subscribed) {
      return;
    }
    byte[] topic =
        cfg.topics().isEmpty() ? null : cfg.topics().get(0).getBytes(StandardCharsets.UTF_8);
    sendLoop(pub, topic, true);
    closeFlushing(ctx, pub);
  }

  private void push(ZContext ctx) {
    Socket push = open(ctx, SocketType.PUSH, cfg.endpoints(), cfg.bind());
    sendLoop(push, identityFrame, false);
    closeFlushing(ctx, push);
  }

  private void sendLoop(Socket socket, byte[] firstFrame, boolean drainSubscriptions) {
    long interval = cfg.rate() > 0 ? (long) (1e9 / cfg.rate()) : 0;
    long start = System.nanoTime();
    for (long seq = 1; (cfg.count() == 0 || seq <= cfg.count()) && !done(); seq++) {
      if (interval > 0 && !paceTo(start + (seq - 1) * interval)) {
        return;
      }
      byte[] payload = new ProbePayload(stream, seq, ProbePayload.nowMicros()).encode(cfg.size());
      boolean sent = firstFrame == null ? send(socket, payload) : send(socket, firstFrame, payload);
      if (!sent) {
        return;
      }
      stats.sent(true);
      if (seq == 1) {
        // The schedule starts when the first message is out: a push waits for its first
        // connection (immediate off), and must not then burst to catch up with the wait.
        start = System.nanoTime();
      }
      if (drainSubscriptions && (seq & 1023) == 0) {
        while (socket.recv(ZMQ.DONTWAIT) != null) {
          // (un)subscriptions: only their arrival mattered
        }
      }
    }
  }

  private boolean paceTo(long targetNanos) {
    while (!done()) {
      tick();
      long wait = targetNanos - System.nanoTime();
      if (wait <= 0) {
        return true;
      }
      LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(SLICE_MS)));
    }
    return false;
  }

  private void closeFlushing(ZContext ctx, Socket socket) {
    ctx.setLinger((int) Math.min(FLUSH_MS, stop.get() ? 0 : remainingMs()));
    destroy(ctx, socket);
  }

  /** REQ with the lazy pirate pattern: on a timeout a fresh socket resends the same request. */
  private void request(ZContext ctx) {
    Socket req = open(ctx, SocketType.REQ, cfg.endpoints(), cfg.bind());
    long interval = cfg.rate() > 0 ? (long) (1e9 / cfg.rate()) : 0;
    long start = System.nanoTime();
    for (long seq = 1; (cfg.count() == 0 || seq <= cfg.count()) && !done(); seq++) {
      if (interval > 0 && !paceTo(start + (seq - 1) * interval)) {
        break;
      }
      byte[] payload = new ProbePayload(stream, seq, ProbePayload.nowMicros()).encode(cfg.size());
      long firstSend = System.nanoTime();
      boolean sentOnce = false;
      boolean answered = false;
      for (int attempt = 0; attempt <= cfg.retries() && !done(); attempt++) {
        if (!send(req, payload)) {
          break;
        }
        if (sentOnce) {
          stats.resent();
        } else {
          stats.sent(false);
          sentOnce = true;
        }
        List<byte[]> reply = awaitReply(req, seq);
        if (reply != null) {
          long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - firstSend);
          stats.replied(micros, reply.size() >= 2 ? utf8(reply.get(0)) : null);
          answered = true;
          break;
        }
        // No reply in time: this REQ socket waits for a reply forever, so replace it.
        ctx.setLinger(0);
        destroy(ctx, req);
        req = open(ctx, SocketType.REQ, cfg.endpoints(), cfg.bind());
        if (attempt < cfg.retries() && !done()) {
          log.println("probe req: no reply to request " + seq + ", retrying");
        }
      }
      if (sentOnce && !answered) {
        stats.lostRequest();
        log.println("probe req: request " + seq + " lost");
      }
    }
    ctx.setLinger(0);
    destroy(ctx, req);
  }

  /** The reply to request {@code seq}, or null after the request timeout (or stop, deadline). */
  private List<byte[]> awaitReply(Socket req, long seq) {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(cfg.requestTimeoutMs());
    while (!done() && System.nanoTime() - until < 0) {
      List<byte[]> frames = receiveFrames(req);
      if (frames == null) {
        continue;
      }
      ProbePayload echoed = ProbePayload.decode(frames.get(frames.size() - 1));
      // A responder that does not echo (a plain "world" server) still answers; a probe payload
      // must be the echo of this very request.
      if (echoed == null || (echoed.stream() == stream && echoed.sequence() == seq)) {
        return frames;
      }
    }
    return null;
  }

  // ---- receivers ----

  private void receive(ZContext ctx) {
    boolean sub = cfg.mode() == ProbeMode.SUB;
    Socket socket =
        open(ctx, sub ? SocketType.SUB : SocketType.PULL, cfg.endpoints(), cfg.bind(), sub);
    long target = cfg.count() > 0 ? cfg.count() : cfg.expect();
    while (!done() && (target == 0 || stats.received() < target)) {
      List<byte[]> frames = receiveFrames(socket);
      if (frames == null) {
        continue;
      }
      // pull: a message of several frames names its sender first (worker, push --identity);
      // sub: the first frame is the topic.
      String peer = !sub && frames.size() >= 2 ? utf8(frames.get(0)) : null;
      stats.received(frames.get(frames.size() - 1), peer, true);
    }
    ctx.setLinger(0);
    destroy(ctx, socket);
  }

  private void reply(ZContext ctx) {
    Socket rep = open(ctx, SocketType.REP, cfg.endpoints(), cfg.bind());
    while (!done() && (cfg.count() == 0 || stats.received() < cfg.count())) {
      List<byte[]> request = receiveFrames(rep);
      if (request == null) {
        continue;
      }
      byte[] payload = request.get(request.size() - 1);
      stats.received(payload, null, true);
      if (send(rep, identityFrame, payload)) {
        stats.sent(false);
      }
    }
    closeFlushing(ctx, rep);
  }

  /** Pipeline worker: pulls from --endpoint, pushes each message on to --output, tagged. */
  private void work(ZContext ctx) {
    Socket in = open(ctx, SocketType.PULL, cfg.endpoints(), cfg.bind());
    Socket out = open(ctx, SocketType.PUSH, cfg.outputs(), false);
    while (!done() && (cfg.count() == 0 || stats.received() < cfg.count())) {
      List<byte[]> frames = receiveFrames(in);
      if (frames == null) {
        continue;
      }
      byte[] payload = frames.get(frames.size() - 1);
      stats.received(payload, null, true);
      if (!send(out, identityFrame, payload)) {
        break;
      }
      stats.sent(false);
    }
    ctx.setLinger(0);
    destroy(ctx, in);
    closeFlushing(ctx, out);
  }

  // ---- sockets ----

  private Socket open(ZContext ctx, SocketType type, List<String> endpoints, boolean bind) {
    return open(ctx, type, endpoints, bind, false);
  }

  /**
   * A socket bound to, or connected to, every endpoint: a worker connected to each replica of a
   * device is served by all of them; a publisher connected to each forwarder replica reaches all.
   */
  private Socket open(
      ZContext ctx, SocketType type, List<String> endpoints, boolean bind, boolean subscribe) {
    Socket socket = ctx.createSocket(type);
    socket.setReceiveTimeOut(SLICE_MS);
    socket.setSendTimeOut(SLICE_MS);
    if (!bind) {
      socket.setHandshakeIvl(cfg.handshakeIvlMs());
      // JeroMQ's default attach (libzmq's ZMQ_IMMEDIATE=0) on purpose: with setImmediate(false) a
      // REQ or PUSH that connected before its peer was bound lost its first messages in CI
      // (ProbeSocketTest reqAndRep / rateIsHonoured). A message queued to an endpoint that
      // ProbeLinks connects again is lost with it: the lazy pirate resends a request, and the
      // pipeline cases' loss budgets count what a producer had queued to a replica that went.
    }
    if (cfg.curve() != null) {
      socket.setCurveServerKey(ZMQ.Curve.z85Decode(cfg.curve().serverKey()));
      socket.setCurvePublicKey(ZMQ.Curve.z85Decode(cfg.curve().publicKey()));
      socket.setCurveSecretKey(ZMQ.Curve.z85Decode(cfg.curve().secretKey()));
    }
    if (subscribe) {
      if (cfg.topics().isEmpty()) {
        socket.subscribe(new byte[0]);
      }
      for (String topic : cfg.topics()) {
        socket.subscribe(topic.getBytes(StandardCharsets.UTF_8));
      }
    }
    if (!bind) {
      try {
        links.put(
            socket,
            new ProbeLinks(
                ctx,
                socket,
                endpoints,
                resolver,
                cfg.connectTimeoutMs(),
                System::nanoTime,
                log,
                cfg.mode().label()));
      } catch (ZMQException | IllegalArgumentException e) {
        throw new ProbeFailure(
            "cannot connect to " + String.join(",", endpoints) + ": " + e.getMessage(), e);
      }
      return socket;
    }
    for (String endpoint : endpoints) {
      try {
        socket.bind(endpoint);
      } catch (ZMQException e) {
        throw new ProbeFailure("cannot bind " + endpoint + ": " + e.getMessage(), e);
      }
    }
    return socket;
  }

  /** Closes a socket (and its links' monitor). */
  private void destroy(ZContext ctx, Socket socket) {
    ProbeLinks l = links.remove(socket);
    if (l != null) {
      stats.reconnected(l.moves());
      unresolved.addAll(l.neverResolved());
      l.close();
    }
    ctx.destroySocket(socket);
  }

  /** Sends the non-null frames as one message; false when stopped or past the deadline. */
  private boolean send(Socket socket, byte[]... frames) {
    List<byte[]> parts = new ArrayList<>(frames.length);
    for (byte[] f : frames) {
      if (f != null) {
        parts.add(f);
      }
    }
    for (int i = 0; i < parts.size(); i++) {
      int flags = i < parts.size() - 1 ? ZMQ.SNDMORE : 0;
      while (!socket.send(parts.get(i), flags)) {
        if (done()) {
          return false;
        }
        tick();
      }
    }
    return true;
  }

  /** Every frame of the next message, or null when none arrived within a slice. */
  private List<byte[]> receiveFrames(Socket socket) {
    tick();
    byte[] first = socket.recv(0);
    if (first == null) {
      return null;
    }
    List<byte[]> frames = new ArrayList<>(2);
    frames.add(first);
    while (socket.hasReceiveMore()) {
      frames.add(socket.recv(0));
    }
    return frames;
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** A failure at run time (not bad flags): exit 1 with this message. */
  static final class ProbeFailure extends RuntimeException {
    ProbeFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
