package io.zeromesh.broker.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import io.zeromesh.broker.log.Log;
import io.zeromesh.broker.zmtp.Command;
import io.zeromesh.broker.zmtp.CurveCodec;
import io.zeromesh.broker.zmtp.FrameDecoder;
import io.zeromesh.broker.zmtp.FrameDecoder.MessageView;
import io.zeromesh.broker.zmtp.Frames;
import io.zeromesh.broker.zmtp.Greeting;
import io.zeromesh.broker.zmtp.Mechanism;
import io.zeromesh.broker.zmtp.Metadata;
import io.zeromesh.broker.zmtp.SocketType;
import io.zeromesh.broker.zmtp.ZmtpException;
import java.util.concurrent.TimeUnit;

/**
 * One ZMTP connection: the handshake state machine (greeting, mechanism, READY with the socket-type
 * check), then the data phase (messages and commands to its {@link Endpoint}, PING/PONG). It
 * becomes a {@link Peer} of its endpoint only once READY has been exchanged; until then the
 * handshake timer runs, and a connection that stalls anywhere before READY is closed.
 *
 * <p>With a mechanism that encrypts (CURVE), the data phase has one more layer on each side: what
 * comes in is decoded as MESSAGE frames, each opened into a buffer of plaintext ZMTP frames that a
 * second decoder reads as on a NULL connection (so the devices relay slices of that buffer); what
 * goes out passes a {@link CurveEncoder}. A NULL connection has neither and relays its input.
 */
final class Connection extends ChannelInboundHandlerAdapter
    implements FrameDecoder.Sink, Mechanism.Output {
  private enum State {
    GREETING,
    HANDSHAKE,
    READY,
    CLOSED
  }

  private final Endpoint endpoint;
  private final ConnectionSettings settings;
  private final Mechanism mechanism;
  private final PeerSet.Owner owner;
  private final Log log;
  private final FrameDecoder decoder;
  // CURVE only: the decoder of the opened frames, the codec, and what it opened, not yet decoded.
  private final FrameDecoder plainDecoder;
  private final FrameDecoder.Sink curveIn;
  private CurveCodec codec;
  private ByteBuf plain;
  private ChannelHandlerContext ctx;
  private ByteBuf cumulation;
  // NULL, READY: a read that arrived while the cumulation held the start of a message.
  private ByteBuf next;
  private static final int STITCH_STEPS = 8;
  private State state = State.GREETING;
  private Greeting peerGreeting;
  private Peer peer;
  private ScheduledFuture<?> handshakeTimer;
  private ScheduledFuture<?> heartbeatTask;
  private ScheduledFuture<?> ttlTask;
  private long lastReadNanos;
  private boolean blocked;
  private java.util.List<ByteBuf> fixedPrefixes;
  private ScheduledFuture<?> blockedProbe;
  private static final long BLOCKED_PROBE_MS = 500;
  private static final int BLOCKED_READ_LIMIT = 256 * 1024;

  Connection(
      Endpoint endpoint,
      ConnectionSettings settings,
      Mechanism mechanism,
      PeerSet.Owner owner,
      Log log) {
    this.endpoint = endpoint;
    this.settings = settings;
    this.mechanism = mechanism;
    this.owner = owner;
    this.log = log;
    if (mechanism.encryptsMessages()) {
      long max = settings.maxMsgSize();
      // The wire carries each frame in a MESSAGE: the limit applies to what it opens to.
      this.decoder = new FrameDecoder(max < 0 ? -1 : max + CurveCodec.OVERHEAD);
      this.plainDecoder = new FrameDecoder(max);
      this.curveIn = new CurveInput();
    } else {
      this.decoder = new FrameDecoder(settings.maxMsgSize());
      this.plainDecoder = null;
      this.curveIn = null;
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    lastReadNanos = System.nanoTime();
    ByteBuf g = ctx.alloc().buffer(Greeting.SIZE);
    Greeting.write(g, mechanism.name(), mechanism.asServer());
    ctx.writeAndFlush(g);
    handshakeTimer =
        ctx.executor()
            .schedule(
                () -> close("handshake not complete within " + settings.handshakeMs() + " ms"),
                settings.handshakeMs(),
                TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    if (state == State.CLOSED) {
      in.release();
      return;
    }
    lastReadNanos = System.nanoTime();
    if (cumulation == null) {
      cumulation = in;
    } else if (curveIn == null && state == State.READY && !blocked) {
      next = in; // joined in decodeNull, without copying it
    } else {
      cumulation = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
    }
    process();
  }

  private void process() {
    try {
      if (state == State.GREETING) {
        Greeting g = Greeting.read(cumulation);
        if (g == null) {
          return;
        }
        if (!g.mechanism().equals(mechanism.name())) {
          throw new ZmtpException(
              "peer mechanism " + g.mechanism() + ", this socket speaks " + mechanism.name());
        }
        if (mechanism.encryptsMessages() && g.asServer() == mechanism.asServer()) {
          throw new ZmtpException(
              "both sides " + (g.asServer() ? "servers" : "clients") + " of " + mechanism.name());
        }
        peerGreeting = g;
        state = State.HANDSHAKE;
        mechanism.start(this);
        ctx.flush();
      }
      boolean all = curveIn == null ? decodeNull() : decodeCurve();
      if (!all && !blocked && state == State.READY) {
        blocked = true;
        ctx.channel().config().setAutoRead(false);
        endpoint.blocked(this);
        if (blockedProbe == null) {
          blockedProbe =
              ctx.executor()
                  .scheduleAtFixedRate(
                      this::probeWhileBlocked,
                      BLOCKED_PROBE_MS,
                      BLOCKED_PROBE_MS,
                      TimeUnit.MILLISECONDS);
        }
      } else if (all && blocked) {
        unblock();
      }
    } catch (ZmtpException e) {
      fail(e);
    } finally {
      endpoint.decoded();
      if (state != State.CLOSED) {
        cumulation = compact(cumulation);
        plain = compact(plain);
      }
    }
  }

  /** Releases a drained buffer (null returned), or drops its read bytes when nobody shares it. */
  private static ByteBuf compact(ByteBuf b) {
    if (b == null) {
      return null;
    }
    if (!b.isReadable()) {
      b.release();
      return null;
    }
    if (b.refCnt() == 1) {
      b.discardSomeReadBytes();
    }
    return b;
  }

  /**
   * NULL: decodes the cumulation, or, when a read came while it held the start of a message ({@link
   * #next}), finishes that message with just the bytes it lacks and then decodes the new read where
   * it lies, so that its messages leave as slices of the read buffer instead of a copy of it. A
   * message of many frames, or one the device holds, falls back to appending the read (a copy).
   */
  private boolean decodeNull() throws ZmtpException {
    ByteBuf in = next;
    if (in == null) {
      return decoder.decode(cumulation, this);
    }
    boolean all = true;
    for (int i = 0; i < STITCH_STEPS && all && cumulation.isReadable(); i++) {
      long want = decoder.wanted(cumulation);
      if (want <= 0 || want > in.readableBytes()) {
        break;
      }
      cumulation = writable(cumulation, (int) want);
      cumulation.writeBytes(in, (int) want);
      all = decoder.decode(cumulation, this);
    }
    next = null;
    if (cumulation.isReadable()) {
      cumulation = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
      return all && decoder.decode(cumulation, this);
    }
    endpoint.decoded(); // what the outboxes hold of the old buffer leaves (retained) before it goes
    cumulation.release();
    cumulation = in;
    return decoder.decode(cumulation, this);
  }

  /**
   * {@code b}, or a copy of its readable bytes with room for {@code more}: bytes are only ever
   * appended after its writer index, where no slice handed out reaches.
   */
  private ByteBuf writable(ByteBuf b, int more) {
    if (b.writableBytes() >= more) {
      return b;
    }
    ByteBuf n = ctx.alloc().buffer(Math.max(256, b.readableBytes() + more));
    n.writeBytes(b, b.readerIndex(), b.readableBytes());
    b.release();
    return n;
  }

  /**
   * CURVE: what was opened before and not yet taken (a held message, the start of a multipart one)
   * first; then every whole frame of the input (handshake commands, then MESSAGEs opened into
   * {@link #plain}); then what that opened. A held message stops it before anything more is opened,
   * so a held connection keeps its input encrypted and its nonces unspent.
   */
  private boolean decodeCurve() throws ZmtpException {
    if (plain != null && plain.isReadable()) {
      if (!plainDecoder.decode(plain, this)) {
        return false;
      }
      endpoint.decoded(); // slices of plain leave before it is written to again
    }
    ZmtpException failure = null;
    if (cumulation != null) {
      try {
        decoder.decode(cumulation, curveIn);
      } catch (ZmtpException e) {
        failure = e; // what was opened before the bad frame is still delivered, as on NULL
      }
    }
    boolean all = plain == null || !plain.isReadable() || plainDecoder.decode(plain, this);
    if (failure != null) {
      throw failure;
    }
    return all;
  }

  /** The wire side of a CURVE connection: handshake commands, then MESSAGEs to open. */
  private final class CurveInput implements FrameDecoder.Sink {
    @Override
    public boolean message(MessageView m) throws ZmtpException {
      if (state != State.READY) {
        throw new ZmtpException("message before the handshake completed");
      }
      if (m.frames != 1) {
        throw new ZmtpException("CURVE MESSAGE with the MORE flag");
      }
      if (!CurveCodec.isMessage(m.buffer, m.firstBodyStart, m.firstBodyLength)) {
        throw new ZmtpException("a plaintext frame on a CURVE connection");
      }
      open(m.buffer, m.firstBodyStart + 8, m.firstBodyLength - 8);
      return true;
    }

    @Override
    public void command(Command c) throws ZmtpException {
      if (state != State.READY) {
        Connection.this.command(c);
      } else if (c.is("MESSAGE")) {
        open(c.data(), c.data().readerIndex(), c.data().readableBytes());
      } else {
        throw new ZmtpException("plaintext " + c.name() + " on a CURVE connection");
      }
    }

    private void open(ByteBuf src, int index, int length) throws ZmtpException {
      int size = CurveCodec.decryptedFrameSize(length);
      if (plain == null || plain.refCnt() > 1 || plain.writableBytes() < size) {
        // A fresh buffer (what was handed out as slices stays as it is), sized for the rest of
        // this read: what it opens is smaller than what it holds.
        int left = cumulation == null ? 0 : cumulation.readableBytes();
        int keep = plain == null ? 0 : plain.readableBytes();
        ByteBuf b = ctx.alloc().buffer(keep + Math.max(size, left));
        if (plain != null) {
          b.writeBytes(plain);
          plain.release();
        }
        plain = b;
      }
      codec.decrypt(src, index, length, plain);
    }
  }

  /** Continues a connection that was held for back-pressure or a pause. */
  void resume() {
    if (state != State.READY || !blocked) {
      return;
    }
    blocked = false;
    if (cumulation != null || plain != null) {
      process();
    }
    if (!blocked && state == State.READY) {
      unblock();
    }
  }

  private void unblock() {
    blocked = false;
    if (blockedProbe != null) {
      blockedProbe.cancel(false);
      blockedProbe = null;
    }
    ctx.channel().config().setAutoRead(true);
  }

  /**
   * A held connection reads nothing, so it would not notice its peer closing: read once now and
   * then, keeping at most {@link #BLOCKED_READ_LIMIT} bytes held, so a peer that went away leaves.
   */
  private void probeWhileBlocked() {
    if (blocked && (cumulation == null || cumulation.readableBytes() < BLOCKED_READ_LIMIT)) {
      ctx.read();
    }
  }

  @Override
  public boolean message(MessageView m) throws ZmtpException {
    if (state != State.READY) {
      throw new ZmtpException("message before the handshake completed");
    }
    return endpoint.message(peer, m);
  }

  @Override
  public void command(Command c) throws ZmtpException {
    if (state == State.HANDSHAKE) {
      Metadata md = mechanism.command(c, this);
      if (md != null) {
        SocketType type = checkSocketType(md);
        mechanism.complete(this);
        ctx.flush();
        ready(md, type);
      } else {
        ctx.flush();
      }
      return;
    }
    switch (c.name()) {
      case Command.PING -> ping(c);
      case Command.PONG -> {}
      case Command.SUBSCRIBE -> endpoint.subscription(peer, c.data(), true);
      case Command.CANCEL -> endpoint.subscription(peer, c.data(), false);
      case Command.ERROR -> throw new ZmtpException("peer sent ERROR: " + Mechanism.errorReason(c));
      default -> {
        // RFC 37: unknown commands are ignored.
      }
    }
  }

  private SocketType checkSocketType(Metadata md) throws ZmtpException {
    String typeName = md.socketType();
    SocketType type = typeName == null ? null : SocketType.named(typeName);
    if (type == null || !endpoint.socketType().accepts(type)) {
      ctx.writeAndFlush(Frames.error(ctx.alloc(), "Invalid socket type"));
      throw new ZmtpException(
          "socket type " + typeName + " cannot talk to " + endpoint.socketType());
    }
    return type;
  }

  private void ready(Metadata md, SocketType type) {
    handshakeTimer.cancel(false);
    if (curveIn != null) {
      // Everything written from now on is encrypted (the READY above went out as it was).
      codec = mechanism.codec();
      ctx.pipeline().addBefore(ctx.name(), "curve", new CurveEncoder(codec));
    }
    peer =
        new Peer(
            ctx.channel(),
            endpoint.side(),
            type,
            peerGreeting.hasCommands31(),
            md.get(Metadata.IDENTITY),
            settings.sndhwm(),
            owner);
    peer.fixedPrefixes = fixedPrefixes;
    state = State.READY;
    int ivl = settings.heartbeatIvlMs();
    if (ivl > 0 && peer.commands31) {
      heartbeatTask =
          ctx.executor().scheduleAtFixedRate(this::heartbeat, ivl, ivl, TimeUnit.MILLISECONDS);
    }
    endpoint.joined(peer);
  }

  /** Sends a PING; closes when nothing came from the peer within interval + timeout. */
  private void heartbeat() {
    long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastReadNanos);
    if (silentMs > settings.heartbeatIvlMs() + settings.heartbeatTimeoutMs()) {
      close("no heartbeat for " + silentMs + " ms");
      return;
    }
    int ttlDs = settings.heartbeatTtlMs() / 100;
    peer.writeControl(
        Frames.command(ctx.alloc(), Command.PING, new byte[] {(byte) (ttlDs >> 8), (byte) ttlDs}));
    peer.flush();
  }

  /** Answers a PING with its context; the peer's TTL bounds how long it may then stay silent. */
  private void ping(Command c) throws ZmtpException {
    ByteBuf d = c.data();
    if (d.readableBytes() < 2) {
      throw new ZmtpException("malformed PING");
    }
    int ttlMs = d.readUnsignedShort() * 100;
    byte[] context = new byte[Math.min(16, d.readableBytes())];
    d.readBytes(context);
    peer.writeControl(Frames.command(ctx.alloc(), Command.PONG, context));
    if (ttlMs > 0 && ttlTask == null) {
      long every = Math.max(100, ttlMs / 4);
      ttlTask =
          ctx.executor()
              .scheduleAtFixedRate(
                  () -> {
                    long silent = System.nanoTime() - lastReadNanos;
                    if (silent > TimeUnit.MILLISECONDS.toNanos(ttlMs)) {
                      close("peer silent beyond its heartbeat TTL of " + ttlMs + " ms");
                    }
                  },
                  every,
                  every,
                  TimeUnit.MILLISECONDS);
    }
  }

  private void fail(ZmtpException e) {
    log.debug("peer_closed", "peer", remote(), "reason", e.getMessage());
    endpoint.failed(e.kind());
    shut();
    ctx.flush(); // an ERROR the handshake wrote goes out before the close
    ctx.close();
  }

  /** Closes the connection for {@code reason} (timers). */
  void close(String reason) {
    if (state == State.CLOSED) {
      return;
    }
    log.debug("peer_closed", "peer", remote(), "reason", reason);
    shut();
    ctx.close();
  }

  /** Closes after what was written has been sent (ordered shutdown). */
  void closeAfterFlush() {
    ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
        .addListener(ChannelFutureListener.CLOSE);
  }

  private void shut() {
    state = State.CLOSED;
    for (ScheduledFuture<?> f :
        new ScheduledFuture<?>[] {handshakeTimer, heartbeatTask, ttlTask, blockedProbe}) {
      if (f != null) {
        f.cancel(false);
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    endpoint.readComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    shut();
    if (cumulation != null) {
      cumulation.release();
      cumulation = null;
    }
    if (next != null) {
      next.release();
      next = null;
    }
    if (plain != null) {
      plain.release();
      plain = null;
    }
    if (peer != null) {
      Peer p = peer;
      peer = null;
      endpoint.left(p);
      endpoint.readComplete(); // what leaving produced (cancellations upstream) goes out now
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("peer_closed", "peer", remote(), "reason", String.valueOf(cause));
    shut();
    ctx.close();
  }

  /** An upstream link's fixed subscriptions (null: whatever the subscribers hold). */
  void fixedPrefixes(java.util.List<ByteBuf> prefixes) {
    this.fixedPrefixes = prefixes;
  }

  /** The peer once READY, else null. */
  Peer peer() {
    return peer;
  }

  private String remote() {
    return String.valueOf(ctx.channel().remoteAddress());
  }

  @Override
  public ByteBufAllocator alloc() {
    return ctx.alloc();
  }

  @Override
  public void send(ByteBuf frame) {
    ctx.write(frame);
  }
}
