package io.zeromesh.broker.engine;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.zeromesh.broker.device.DeviceConfig;
import io.zeromesh.broker.device.DeviceMetrics;
import io.zeromesh.broker.device.DeviceMetrics.DropReason;
import io.zeromesh.broker.device.DeviceMetrics.Side;
import io.zeromesh.broker.log.Log;
import io.zeromesh.broker.zmtp.FrameDecoder.MessageView;
import io.zeromesh.broker.zmtp.SocketType;
import io.zeromesh.broker.zmtp.ZmtpException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the three devices share, all on the one event-loop thread: the two sides with their ready
 * peers, flushing once per read batch, resuming held connections when a peer has room again, the
 * pause switch, and the metrics (added up per batch, published at its end).
 */
abstract class DeviceCore implements PeerSet.Owner {
  final DeviceConfig config;
  final DeviceMetrics metrics;
  final Log log;
  EventLoop loop;
  boolean paused;
  private final List<Peer> dirty = new ArrayList<>();
  private final List<Outbox> open = new ArrayList<>();
  private final List<Connection> blocked = new ArrayList<>();
  private boolean resumeScheduled;
  private final long[] inMessages = new long[2];
  private final long[] inBytes = new long[2];
  private final long[] outMessages = new long[2];
  private final long[] outBytes = new long[2];
  private final long[][] drops = new long[2][DropReason.values().length];
  private boolean countersDirty;

  DeviceCore(DeviceConfig config, DeviceMetrics metrics, Log log) {
    this.config = config;
    this.metrics = metrics;
    this.log = log;
  }

  abstract SideEndpoint frontend();

  abstract SideEndpoint backend();

  @Override
  public void dirty(Peer p) {
    dirty.add(p);
  }

  /** {@code o} holds messages now: written by {@link #emitAll()} at the end of the pass. */
  final void open(Outbox o) {
    open.add(o);
  }

  /** Writes what every outbox holds (each as one write); called at the end of a decode pass. */
  final void emitAll() {
    for (int i = 0; i < open.size(); i++) {
      Outbox o = open.get(i);
      o.listed = false;
      o.emit();
    }
    open.clear();
  }

  @Override
  public void sent(Side side, long messages, long bytes) {
    outMessages[side.ordinal()] += messages;
    outBytes[side.ordinal()] += bytes;
    countersDirty = true;
  }

  @Override
  public void drained(Peer p) {
    roomAvailable();
  }

  final void received(Side side, long bytes) {
    inMessages[side.ordinal()]++;
    inBytes[side.ordinal()] += bytes;
    countersDirty = true;
  }

  /**
   * Counts a message from {@code p} once, though a held message is offered again when the device
   * resumes it; {@code placed} false marks it held.
   */
  final void receivedOnce(Peer p, long bytes, boolean placed) {
    if (!p.holding) {
      received(p.side, bytes);
    }
    p.holding = !placed;
  }

  final void dropped(Side side, DropReason reason, long n) {
    drops[side.ordinal()][reason.ordinal()] += n;
    countersDirty = true;
  }

  /** A peer has room again (or joined, or the device resumed): continue held connections. */
  final void roomAvailable() {
    if (!blocked.isEmpty() && !resumeScheduled && !paused) {
      resumeScheduled = true;
      loop.execute(this::resumeBlocked);
    }
  }

  private void resumeBlocked() {
    resumeScheduled = false;
    List<Connection> held = new ArrayList<>(blocked);
    blocked.clear();
    for (Connection c : held) {
      c.resume();
    }
    flushAll();
  }

  private boolean flushScheduled;
  private final Runnable flushTask =
      () -> {
        flushScheduled = false;
        flushAll();
      };

  /**
   * Flushes once the event loop has read every connection that was ready: the loop runs tasks right
   * after its I/O, so what several connections' reads gave one peer leaves in one write.
   */
  final void flushSoon() {
    emitAll();
    if (!flushScheduled) {
      flushScheduled = true;
      loop.execute(flushTask);
    }
  }

  /** Flushes every peer written to in this batch, then publishes the batch's counters. */
  final void flushAll() {
    emitAll();
    for (int i = 0; i < dirty.size(); i++) {
      dirty.get(i).flush();
    }
    dirty.clear();
    if (countersDirty) {
      countersDirty = false;
      for (Side s : Side.values()) {
        int i = s.ordinal();
        if (inMessages[i] > 0) {
          metrics.received(s, inMessages[i], inBytes[i]);
        }
        if (outMessages[i] > 0) {
          metrics.sent(s, outMessages[i], outBytes[i]);
        }
        inMessages[i] = inBytes[i] = outMessages[i] = outBytes[i] = 0;
        for (DropReason r : DropReason.values()) {
          if (drops[i][r.ordinal()] > 0) {
            metrics.dropped(s, r, drops[i][r.ordinal()]);
            drops[i][r.ordinal()] = 0;
          }
        }
      }
    }
  }

  void setPaused(boolean value) {
    paused = value;
    metrics.paused(value);
    if (!value) {
      roomAvailable();
    }
  }

  /** Messages written to peers and not yet on the wire (for the shutdown drain). */
  final int pendingOut() {
    int n = 0;
    for (SideEndpoint e : new SideEndpoint[] {frontend(), backend()}) {
      for (Peer p : e.peers.all()) {
        n += p.queued();
      }
    }
    return n;
  }

  /** A retained slice of a message's wire bytes from {@code from} to its end. */
  static ByteBuf wire(MessageView m, int from) {
    return m.buffer.retainedSlice(from, m.end - from);
  }

  /** The shared behaviour of one device side; devices override what their pattern does. */
  abstract class SideEndpoint implements Endpoint {
    final Side side;
    final SocketType type;
    final PeerSet peers = new PeerSet();

    SideEndpoint(Side side, SocketType type) {
      this.side = side;
      this.type = type;
    }

    @Override
    public SocketType socketType() {
      return type;
    }

    @Override
    public Side side() {
      return side;
    }

    @Override
    public void joined(Peer p) {
      tune(p);
      peers.add(p, new Outbox(p, config.sndhwm, DeviceCore.this));
      metrics.peerDelta(side, 1);
      log.debug("peer_ready", "socket", side.name().toLowerCase(), "peer", p.toString());
    }

    @Override
    public void left(Peer p) {
      Outbox o = peers.remove(p);
      if (o != null) {
        o.discard();
        open.remove(o);
      }
      metrics.peerDelta(side, -1);
      log.debug("peer_left", "socket", side.name().toLowerCase(), "peer", p.toString());
    }

    @Override
    public void subscription(Peer p, ByteBuf prefix, boolean on) {
      // Only the forwarder's subscribers subscribe; elsewhere RFC 37 says ignore.
    }

    @Override
    public void blocked(Connection c) {
      blocked.add(c);
    }

    @Override
    public void decoded() {
      emitAll();
    }

    @Override
    public void readComplete() {
      flushSoon();
    }

    @Override
    public void failed(ZmtpException.Kind kind) {
      if (kind == ZmtpException.Kind.OVERSIZE) {
        dropped(side, DropReason.OVERSIZE, 1);
      } else if (kind == ZmtpException.Kind.REFUSED) {
        dropped(side, DropReason.REFUSED, 1);
      }
      flushAll();
    }
  }

  /** Read sizing of a ready peer's connection: large reads, many messages per read event. */
  static void tune(Peer p) {
    p.channel.config().setRecvByteBufAllocator(RECV);
  }

  private static final io.netty.channel.RecvByteBufAllocator RECV =
      new io.netty.channel.AdaptiveRecvByteBufAllocator(
          512,
          Integer.getInteger("zeromesh.recv.initial", 16 * 1024),
          Integer.getInteger("zeromesh.recv.max", 256 * 1024));
}
