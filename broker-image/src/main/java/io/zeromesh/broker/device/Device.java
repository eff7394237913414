package io.zeromesh.broker.device;

import io.zeromesh.broker.device.DeviceConfig.Mode;
import io.zeromesh.broker.device.DeviceConfig.Upstream;
import io.zeromesh.broker.device.DeviceMetrics.Side;
import io.zeromesh.broker.log.Log;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * One running device: its ZeroMQ context, the two bound sockets, the device thread, the peer
 * monitor thread and (CURVE with an allow-list) the ZAP thread. {@link #start} returns once both
 * sockets are bound; {@link #close} stops the device through its control socket, lets the sockets
 * linger, joins the threads and terminates the context.
 *
 * <p>In-process use (tests, benchmarks): {@code try (Device d = Device.start(DeviceConfig.parse(
 * "queue", List.of("--frontend-port=..."), Map.of()), log)) { ... }}.
 */
public final class Device implements AutoCloseable {
  /** The version in {@code zeromesh_device_info}. */
  public static final String VERSION = versionOf();

  private static final AtomicInteger IDS = new AtomicInteger();
  private static final long CONTROL_REPLY_MS = 2000;
  static final int UPSTREAM_HANDSHAKE_IVL_MS = 3000;

  private final DeviceConfig config;
  private final Log log;
  private final DeviceMetrics metrics;
  private final ZMQ.Context context;
  private final ZMQ.Socket controlClient;
  private final Thread deviceThread;
  private final Thread monitorThread;
  private final PeerMonitor monitor;
  private final Thread zapThread;
  private final ZapHandler zap;
  private volatile boolean running;
  private volatile Throwable failure;
  private boolean closed;

  private Device(
      DeviceConfig config,
      Log log,
      DeviceMetrics metrics,
      ZMQ.Context context,
      ZMQ.Socket controlClient,
      DeviceLoop loop,
      List<ZMQ.Socket> sockets,
      PeerMonitor monitor,
      ZapHandler zap) {
    this.config = config;
    this.log = log;
    this.metrics = metrics;
    this.context = context;
    this.controlClient = controlClient;
    this.monitor = monitor;
    this.zap = zap;
    this.deviceThread =
        new Thread(() -> runLoop(loop, sockets), "zeromesh-" + config.mode.id() + "-device");
    this.monitorThread = new Thread(monitor, "zeromesh-peer-monitor");
    this.zapThread = zap == null ? null : new Thread(zap, "zeromesh-zap");
    for (Thread t : new Thread[] {deviceThread, monitorThread, zapThread}) {
      if (t != null) {
        t.setDaemon(true);
      }
    }
  }

  /**
   * Binds the device's sockets and starts its threads.
   *
   * @throws DeviceException when a socket cannot bind (port taken, bad address)
   */
  public static Device start(DeviceConfig config, Log log) {
    if (config.mode == Mode.FORWARDER) {
      XPubInternals.check();
    }
    DeviceMetrics metrics = new DeviceMetrics(config.mode.id(), VERSION);
    ZMQ.Context context = ZMQ.context(1);
    List<ZMQ.Socket> sockets = new ArrayList<>();
    ZapHandler zap = null;
    PeerMonitor monitor = new PeerMonitor(context, metrics, log);
    try {
      if (config.curve && config.curveAllowedClientsDir != null) {
        zap = new ZapHandler(context, config.curveAllowedClientsDir, metrics, log);
      }
      String controlEndpoint = "inproc://zeromesh-control-" + IDS.incrementAndGet();
      ZMQ.Socket control = context.socket(SocketType.PAIR);
      control.setLinger(0);
      control.bind(controlEndpoint);
      sockets.add(control);
      DeviceLoop loop = buildLoop(config, log, metrics, context, monitor, control, sockets);
      ZMQ.Socket controlClient = context.socket(SocketType.PAIR);
      controlClient.setLinger(0);
      controlClient.setReceiveTimeOut((int) CONTROL_REPLY_MS);
      controlClient.connect(controlEndpoint);
      Device device =
          new Device(config, log, metrics, context, controlClient, loop, sockets, monitor, zap);
      device.startThreads();
      return device;
    } catch (RuntimeException e) {
      for (ZMQ.Socket s : sockets) {
        s.close();
      }
      monitor.closeUnstarted();
      if (zap != null) {
        zap.closeUnstarted();
      }
      context.term();
      throw e;
    }
  }

  private static DeviceLoop buildLoop(
      DeviceConfig config,
      Log log,
      DeviceMetrics metrics,
      ZMQ.Context context,
      PeerMonitor monitor,
      ZMQ.Socket control,
      List<ZMQ.Socket> sockets) {
    Mode mode = config.mode;
    SocketType frontType =
        mode == Mode.QUEUE
            ? SocketType.ROUTER
            : mode == Mode.FORWARDER ? SocketType.XSUB : SocketType.PULL;
    SocketType backType =
        mode == Mode.QUEUE
            ? SocketType.DEALER
            : mode == Mode.FORWARDER ? SocketType.XPUB : SocketType.PUSH;
    ZMQ.Socket front = serverSocket(context, frontType, config, "frontend", sockets);
    ZMQ.Socket back = serverSocket(context, backType, config, "backend", sockets);
    if (mode == Mode.QUEUE) {
      front.setRouterMandatory(true);
    }
    if (mode == Mode.FORWARDER) {
      back.setXpubManual(true);
    }
    monitor.watch(front, Side.FRONTEND);
    monitor.watch(back, Side.BACKEND);
    bind(front, config.frontendEndpoint(), "--frontend-port");
    bind(back, config.backendEndpoint(), "--backend-port");
    if (mode != Mode.FORWARDER) {
      return new PassThroughLoop(
          front.base(), back.base(), mode == Mode.QUEUE, control.base(), metrics, log);
    }
    ZMQ.Socket anyTopic = null;
    List<ZMQ.Socket> fixed = new ArrayList<>();
    List<UpstreamLink> unconnected = new ArrayList<>();
    for (Upstream up : config.upstreams) {
      ZMQ.Socket s;
      if (up.hasFixedPrefixes()) {
        // Its own SUB socket, so its filter stays fixed whatever downstream subscribes.
        s = upstreamSocket(context, SocketType.SUB, config, sockets);
        monitor.watch(s, Side.FRONTEND);
        for (String prefix : up.prefixes()) {
          s.subscribe(prefix.getBytes(StandardCharsets.UTF_8));
        }
        fixed.add(s);
      } else {
        // One XSUB for every upstream without prefixes: it gets the downstream subscriptions.
        if (anyTopic == null) {
          anyTopic = upstreamSocket(context, SocketType.XSUB, config, sockets);
          monitor.watch(anyTopic, Side.FRONTEND);
        }
        s = anyTopic;
      }
      UpstreamLink link = new UpstreamLink(s.base(), up.endpoint());
      if (!link.tryConnect(log)) {
        unconnected.add(link);
      }
    }
    List<zmq.SocketBase> fixedBases = new ArrayList<>();
    for (ZMQ.Socket s : fixed) {
      fixedBases.add(s.base());
    }
    return new ForwarderLoop(
        config,
        front.base(),
        back.base(),
        anyTopic == null ? null : anyTopic.base(),
        fixedBases,
        unconnected,
        control.base(),
        metrics,
        log);
  }

  private static ZMQ.Socket serverSocket(
      ZMQ.Context context,
      SocketType type,
      DeviceConfig config,
      String name,
      List<ZMQ.Socket> sockets) {
    ZMQ.Socket s = clientSocket(context, type, config, sockets);
    if (config.curve) {
      s.setZAPDomain(name);
      s.setCurveServer(true);
      s.setCurveSecretKey(ZMQ.Curve.z85Decode(config.curveServerSecretKey));
      s.setCurvePublicKey(ZMQ.Curve.z85Decode(config.curveServerPublicKey));
    }
    return s;
  }

  /**
   * A plaintext socket that connects out to an upstream. Its greeting must complete within {@link
   * #UPSTREAM_HANDSHAKE_IVL_MS}, else it reconnects: a JeroMQ 0.6.0 connection now and then stalls
   * in the greeting, and the 30 s default would leave the cascade dark that long.
   */
  private static ZMQ.Socket upstreamSocket(
      ZMQ.Context context, SocketType type, DeviceConfig config, List<ZMQ.Socket> sockets) {
    ZMQ.Socket s = clientSocket(context, type, config, sockets);
    s.setHandshakeIvl(UPSTREAM_HANDSHAKE_IVL_MS);
    return s;
  }

  /** A socket with the common options. */
  private static ZMQ.Socket clientSocket(
      ZMQ.Context context, SocketType type, DeviceConfig config, List<ZMQ.Socket> sockets) {
    ZMQ.Socket s = context.socket(type);
    sockets.add(s);
    s.setSndHWM(config.sndhwm);
    s.setRcvHWM(config.rcvhwm);
    s.setLinger(config.lingerMs);
    s.setTCPKeepAlive(config.tcpKeepalive ? 1 : 0);
    s.setMaxMsgSize(config.maxMsgSize);
    if (config.heartbeatIvlMs > 0) {
      s.setHeartbeatIvl(config.heartbeatIvlMs);
      s.setHeartbeatTimeout(
          config.heartbeatTimeoutMs > 0 ? config.heartbeatTimeoutMs : config.heartbeatIvlMs);
    }
    if (config.heartbeatTtlMs > 0) {
      s.setHeartbeatTtl(config.heartbeatTtlMs);
    }
    return s;
  }

  private static void bind(ZMQ.Socket s, String endpoint, String flag) {
    try {
      if (!s.bind(endpoint)) {
        throw new DeviceException("cannot bind " + endpoint + " (" + flag + ")");
      }
    } catch (ZMQException e) {
      throw new DeviceException(
          "cannot bind " + endpoint + " (" + flag + "): " + e.getMessage(), e);
    }
  }

  private void startThreads() {
    running = true;
    if (zapThread != null) {
      zapThread.start();
    }
    monitorThread.start();
    deviceThread.start();
  }

  private void runLoop(DeviceLoop loop, List<ZMQ.Socket> sockets) {
    try {
      loop.run();
    } catch (Throwable e) {
      failure = e;
      log.error("device_failed", "error", e.toString());
    } finally {
      running = false;
      // The device thread owns the device sockets: close them here, each with its linger.
      for (ZMQ.Socket s : sockets) {
        s.close();
      }
    }
  }

  public DeviceConfig config() {
    return config;
  }

  public DeviceMetrics metrics() {
    return metrics;
  }

  /** True while the device thread runs its loop. */
  public boolean isAlive() {
    return running && deviceThread.isAlive();
  }

  /** True once both sockets are bound and the loop runs (start returned), until it stops. */
  public boolean isReady() {
    return isAlive();
  }

  /** The failure that stopped the device thread, or null. */
  public Throwable failure() {
    return failure;
  }

  /** Stops forwarding; returns once the device thread has paused (false if it did not answer). */
  public boolean pause() {
    return command(DeviceLoop.PAUSE);
  }

  public boolean resume() {
    return command(DeviceLoop.RESUME);
  }

  private synchronized boolean command(byte[] cmd) {
    if (closed || !isAlive()) {
      return false;
    }
    if (!controlClient.send(cmd, 0)) {
      return false;
    }
    byte[] reply = controlClient.recv(0);
    return reply != null && java.util.Arrays.equals(reply, DeviceLoop.OK);
  }

  /** Waits up to {@code millis} for the device thread to end (it ends only by close or failure). */
  public boolean awaitStop(long millis) throws InterruptedException {
    deviceThread.join(Math.max(1, millis));
    return !deviceThread.isAlive();
  }

  /**
   * Stops the device within {@code --shutdown-timeout-ms}: TERMINATE through the control socket,
   * sockets closed with their linger, threads joined, context terminated. Returns false when
   * something did not finish in time (the threads are daemons: the process can still exit).
   */
  public synchronized boolean shutdown() {
    if (closed) {
      return true;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.shutdownTimeoutMs);
    if (isAlive()) {
      controlClient.send(DeviceLoop.TERMINATE, 0);
      controlClient.recv(0);
    }
    closed = true;
    boolean inTime = join(deviceThread, deadline);
    monitor.stop();
    if (zap != null) {
      zap.stop();
    }
    inTime &= join(monitorThread, deadline);
    if (zapThread != null) {
      inTime &= join(zapThread, deadline);
    }
    controlClient.close();
    if (inTime) {
      // Terminating waits for lingering messages; bound it by the shutdown deadline.
      Thread term = new Thread(context::term, "zeromesh-context-term");
      term.setDaemon(true);
      term.start();
      inTime = join(term, deadline);
    }
    log.info("device_stopped", "mode", config.mode.id(), "in_time", inTime);
    return inTime;
  }

  @Override
  public void close() {
    shutdown();
  }

  private static boolean join(Thread t, long deadlineNanos) {
    long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    try {
      if (left > 0) {
        t.join(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !t.isAlive();
  }

  private static String versionOf() {
    String v = Device.class.getPackage().getImplementationVersion();
    return v != null ? v : "0.1.0";
  }
}
