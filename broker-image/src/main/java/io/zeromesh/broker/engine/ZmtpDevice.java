package io.zeromesh.broker.engine;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.zeromesh.broker.admin.AdminTarget;
import io.zeromesh.broker.device.DeviceConfig;
import io.zeromesh.broker.device.DeviceException;
import io.zeromesh.broker.device.DeviceMetrics;
import io.zeromesh.broker.log.Log;
import io.zeromesh.broker.zmtp.CookieKeys;
import io.zeromesh.broker.zmtp.CurveServer;
import io.zeromesh.broker.zmtp.Mechanism;
import io.zeromesh.broker.zmtp.Metadata;
import io.zeromesh.broker.zmtp.NullMechanism;
import io.zeromesh.broker.zmtp.Zap;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * A device on the ZMTP engine: one Netty event-loop thread serving both bound sockets and every
 * connection. {@link #start} returns once both are bound; {@link #shutdown} stops accepting, stops
 * reading, lets written messages drain within {@code --linger-ms}, then closes everything.
 */
public final class ZmtpDevice implements AdminTarget, AutoCloseable {
  private static final long CONTROL_MS = 2000;

  private final DeviceConfig config;
  private final Log log;
  private final DeviceMetrics metrics;
  private final EventLoopGroup group;
  private final DeviceCore core;
  private final ChannelGroup connections;
  private final Channel[] listeners;
  private final List<UpstreamLink> links;
  private volatile boolean running = true;
  private boolean closed;

  private ZmtpDevice(
      DeviceConfig config,
      Log log,
      DeviceMetrics metrics,
      EventLoopGroup group,
      DeviceCore core,
      ChannelGroup connections,
      Channel[] listeners,
      List<UpstreamLink> links) {
    this.links = links;
    this.config = config;
    this.log = log;
    this.metrics = metrics;
    this.group = group;
    this.core = core;
    this.connections = connections;
    this.listeners = listeners;
  }

  /**
   * Binds both sockets and starts serving.
   *
   * @throws DeviceException when a socket cannot bind
   */
  public static ZmtpDevice start(DeviceConfig config, Log log) {
    DeviceMetrics metrics = new DeviceMetrics(config.mode.id(), DeviceMetrics.VERSION);
    Transport transport = Transport.best();
    EventLoopGroup group = transport.group(1, "zeromesh-" + config.mode.id() + "-engine");
    DeviceCore core =
        switch (config.mode) {
          case QUEUE -> new Queue(config, metrics, log);
          case FORWARDER -> new Forwarder(config, metrics, log);
          case STREAMER -> new Streamer(config, metrics, log);
        };
    core.loop = group.next();
    ChannelGroup connections = new DefaultChannelGroup(core.loop);
    try {
      ConnectionSettings settings = ConnectionSettings.of(config);
      Security security = Security.of(config, log);
      Channel front =
          bind(
              transport,
              group,
              config,
              core.frontend(),
              settings,
              security,
              core,
              connections,
              log,
              config.frontendPort,
              "--frontend-port");
      Channel back =
          bind(
              transport,
              group,
              config,
              core.backend(),
              settings,
              security,
              core,
              connections,
              log,
              config.backendPort,
              "--backend-port");
      List<UpstreamLink> links = new ArrayList<>();
      for (DeviceConfig.Upstream up : config.upstreams) {
        UpstreamLink link =
            new UpstreamLink(
                up, transport, group, core.frontend(), settings, core, connections, log);
        links.add(link);
        link.start();
      }
      log.info("engine", "engine", "zmtp", "transport", transport.name(), "threads", 1);
      return new ZmtpDevice(
          config, log, metrics, group, core, connections, new Channel[] {front, back}, links);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
      throw e;
    }
  }

  private static Channel bind(
      Transport transport,
      EventLoopGroup group,
      DeviceConfig config,
      Endpoint endpoint,
      ConnectionSettings settings,
      Security security,
      DeviceCore core,
      ChannelGroup connections,
      Log log,
      int port,
      String flag) {
    String host = "*".equals(config.bindAddress) ? "0.0.0.0" : config.bindAddress;
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, config.tcpKeepalive)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connections.add(ch);
                    Metadata ours =
                        new Metadata().put(Metadata.SOCKET_TYPE, endpoint.socketType().name());
                    ch.pipeline()
                        .addLast(
                            new Connection(
                                endpoint,
                                settings,
                                security.mechanism(endpoint, ch, ours),
                                core,
                                log));
                  }
                });
    String where = "tcp://" + config.bindAddress + ":" + port;
    ChannelFuture f;
    try {
      f = b.bind(host, port).awaitUninterruptibly();
    } catch (RuntimeException e) {
      throw new DeviceException("cannot bind " + where + " (" + flag + "): " + e, e);
    }
    if (!f.isSuccess()) {
      throw new DeviceException(
          "cannot bind " + where + " (" + flag + "): " + f.cause().getMessage(), f.cause());
    }
    return f.channel();
  }

  /**
   * What the bound sockets speak: NULL, or (with {@code --curve}) CURVE with the server's key pair,
   * the device's minute key for cookies, and the allow-list as ZAP handler when one is configured.
   */
  private record Security(
      byte[] serverPublic, byte[] serverSecret, CookieKeys cookies, Zap.Handler zap) {
    static Security of(DeviceConfig config, Log log) {
      if (!config.curve) {
        return new Security(null, null, null, null);
      }
      Zap.Handler zap =
          config.curveAllowedClientsDir == null
              ? null
              : new AllowList(config.curveAllowedClientsDir, log);
      return new Security(
          io.zeromesh.broker.zmtp.Z85.decode(config.curveServerPublicKey),
          io.zeromesh.broker.zmtp.Z85.decode(config.curveServerSecretKey),
          new CookieKeys(),
          zap);
    }

    Mechanism mechanism(Endpoint endpoint, Channel ch, Metadata ours) {
      if (serverSecret == null) {
        return new NullMechanism(ours, true);
      }
      String address =
          ch.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
              ? a.getAddress().getHostAddress()
              : String.valueOf(ch.remoteAddress());
      return new CurveServer(
          serverPublic,
          serverSecret,
          cookies,
          zap,
          endpoint.side().name().toLowerCase(java.util.Locale.ROOT),
          address,
          ours);
    }
  }

  public DeviceConfig config() {
    return config;
  }

  @Override
  public DeviceMetrics metrics() {
    return metrics;
  }

  /** True while the event loop serves the device. */
  @Override
  public boolean isAlive() {
    return running && !group.isShuttingDown();
  }

  @Override
  public boolean isReady() {
    return isAlive();
  }

  /** Nothing stops the engine but {@link #shutdown}: always null. */
  public Throwable failure() {
    return null;
  }

  @Override
  public boolean pause() {
    return run(
        () -> {
          core.setPaused(true);
          return true;
        });
  }

  @Override
  public boolean resume() {
    return run(
        () -> {
          core.setPaused(false);
          return true;
        });
  }

  private <T> T call(Callable<T> task) {
    if (!isAlive()) {
      return null;
    }
    try {
      return core.loop.submit(task).get(CONTROL_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (Exception e) {
      return null;
    }
  }

  private boolean run(java.util.function.BooleanSupplier task) {
    Boolean b = call(task::getAsBoolean);
    return b != null && b;
  }

  /**
   * Stops within {@code --shutdown-timeout-ms}: listeners closed, reading stopped, written messages
   * given {@code --linger-ms} to reach their peers, connections closed, the loop ended. False when
   * something did not finish in time.
   */
  public synchronized boolean shutdown() {
    if (closed) {
      return true;
    }
    closed = true;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.shutdownTimeoutMs);
    for (UpstreamLink link : links) {
      link.stop();
    }
    for (Channel l : listeners) {
      l.close().awaitUninterruptibly(millisLeft(deadline));
    }
    run(
        () -> {
          core.setPaused(true);
          for (Channel c : connections) {
            c.config().setAutoRead(false);
          }
          return true;
        });
    long lingerEnd =
        config.lingerMs < 0
            ? deadline
            : Math.min(
                deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.lingerMs));
    int pending = pendingOut();
    while (pending > 0 && System.nanoTime() < lingerEnd) {
      try {
        Thread.sleep(5); // polling the loop for the drain; bounded by the linger
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      pending = pendingOut();
    }
    running = false;
    connections.close().awaitUninterruptibly(millisLeft(deadline));
    boolean inTime =
        group
            .shutdownGracefully(0, 0, TimeUnit.MILLISECONDS)
            .awaitUninterruptibly(millisLeft(deadline));
    log.info("device_stopped", "mode", config.mode.id(), "in_time", inTime, "unsent", pending);
    return inTime;
  }

  private int pendingOut() {
    Integer n = call(core::pendingOut);
    return n == null ? 0 : n;
  }

  private static long millisLeft(long deadline) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }

  @Override
  public void close() {
    shutdown();
  }
}
