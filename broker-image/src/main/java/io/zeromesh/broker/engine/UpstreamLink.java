package io.zeromesh.broker.engine;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.zeromesh.broker.device.DeviceConfig;
import io.zeromesh.broker.log.Log;
import io.zeromesh.broker.zmtp.Metadata;
import io.zeromesh.broker.zmtp.NullMechanism;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A forwarder frontend's connection out to an upstream XPUB ({@code --upstream}): an XSUB client
 * that joins the frontend like a publisher once its handshake completes, and reconnects (also when
 * the host does not resolve yet) until the device stops. With fixed prefixes it subscribes to those
 * only, else to whatever the downstream subscribers hold.
 *
 * <p>Every connect resolves the host again ({@code Bootstrap.connect(host, port)} hands Netty an
 * unresolved address; the JVM's cache is 5 s in the image, {@code -Dsun.net.inetaddr.ttl=5}), and a
 * connect pending longer than {@link #CONNECT_TIMEOUT_MS} fails and is retried: an upstream whose
 * pod was replaced has a new IP under the same name, and a SYN to the old one would otherwise wait
 * for the kernel's retries (about 127 s), as libzmq's {@code ZMQ_CONNECT_TIMEOUT} avoids.
 */
final class UpstreamLink {
  static final long RETRY_MS = 1000;

  /** libzmq-style handshake bound for the connections we open (JeroMQ peers may stall). */
  static final long HANDSHAKE_MS = 3000;

  /** A connect not done by then fails and is retried, to a fresh resolution of the host. */
  static final int CONNECT_TIMEOUT_MS = 3000;

  private final DeviceConfig.Upstream upstream;
  private final Bootstrap bootstrap;
  private final Log log;
  private final String host;
  private final int port;
  private volatile boolean stopped;

  UpstreamLink(
      DeviceConfig.Upstream upstream,
      Transport transport,
      EventLoopGroup group,
      Endpoint frontend,
      ConnectionSettings settings,
      DeviceCore core,
      ChannelGroup connections,
      Log log) {
    this.upstream = upstream;
    this.log = log;
    URI uri = URI.create(upstream.endpoint());
    this.host = uri.getHost();
    this.port = uri.getPort();
    List<ByteBuf> fixed = null;
    if (upstream.hasFixedPrefixes()) {
      fixed = new ArrayList<>();
      for (String p : upstream.prefixes()) {
        fixed.add(Unpooled.copiedBuffer(p, StandardCharsets.UTF_8));
      }
    }
    List<ByteBuf> prefixes = fixed;
    ConnectionSettings linkSettings =
        new ConnectionSettings(
            settings.sndhwm(),
            settings.maxMsgSize(),
            settings.heartbeatIvlMs(),
            settings.heartbeatTimeoutMs(),
            settings.heartbeatTtlMs(),
            HANDSHAKE_MS);
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(transport.clientChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, core.config.tcpKeepalive)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connections.add(ch);
                    Metadata ours = new Metadata().put(Metadata.SOCKET_TYPE, "XSUB");
                    Connection c =
                        new Connection(
                            frontend, linkSettings, new NullMechanism(ours, false), core, log);
                    c.fixedPrefixes(prefixes);
                    ch.pipeline().addLast(c);
                  }
                });
  }

  void start() {
    connect();
  }

  void stop() {
    stopped = true;
  }

  private void connect() {
    if (stopped) {
      return;
    }
    ChannelFuture f;
    try {
      f = bootstrap.connect(host, port);
    } catch (RuntimeException e) {
      retry(String.valueOf(e));
      return;
    }
    f.addListener(
        done -> {
          if (!done.isSuccess()) {
            retry(String.valueOf(done.cause()));
            return;
          }
          log.info(
              "upstream_connected",
              "upstream",
              upstream.endpoint(),
              "address",
              String.valueOf(f.channel().remoteAddress()));
          f.channel().closeFuture().addListener(closed -> retry("connection closed"));
        });
  }

  private void retry(String why) {
    if (stopped) {
      return;
    }
    log.debug("upstream_retry", "upstream", upstream.endpoint(), "reason", why);
    bootstrap.config().group().schedule(this::connect, RETRY_MS, TimeUnit.MILLISECONDS);
  }
}
