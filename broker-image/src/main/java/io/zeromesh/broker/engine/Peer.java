package io.zeromesh.broker.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.zeromesh.broker.device.DeviceMetrics.Side;
import io.zeromesh.broker.zmtp.SocketType;

/**
 * A connection whose handshake has completed, as a device sees it: only peers join a device's
 * round-robin, fair-queue or fan-out. Messages written to it are counted until they reach the
 * socket, which is what its send high-water mark limits (as libzmq's pipe HWM does).
 */
public final class Peer {
  final Channel channel;
  final Side side;
  final SocketType type;
  final boolean commands31;
  final byte[] identity;
  private final int hwm;
  private final int flushEvery;
  private final PeerSet.Owner owner;
  private int queued;
  private int batch;
  private long batchBytes;
  boolean dirty;

  /** Router routing id and its encoded envelope frame (queue frontend), or null. */
  ByteBuf routingId;

  ByteBuf envelope;

  /** The counter of a generated routing id (0x00 then this int); meaningless for other ids. */
  int generatedId;

  /** A message of this peer was counted as received and is held until a peer has room. */
  boolean holding;

  /** Fan-out de-duplication: the number of the last message sent to this peer. */
  long lastMessage;

  /** An upstream link's fixed subscriptions, or null. */
  java.util.List<ByteBuf> fixedPrefixes;

  /** The forwarder's welcome message went to this subscriber. */
  boolean welcomed;

  /** Subscriptions this peer holds (forwarder backend), or null. */
  java.util.Set<ByteBuf> subscriptions;

  Peer(
      Channel channel,
      Side side,
      SocketType type,
      boolean commands31,
      byte[] identity,
      int hwm,
      PeerSet.Owner owner) {
    this.channel = channel;
    this.side = side;
    this.type = type;
    this.commands31 = commands31;
    this.identity = identity;
    this.hwm = hwm;
    this.owner = owner;
    this.flushEvery = hwm > 0 ? Math.max(1, Math.min(256, hwm / 4)) : 256;
  }

  /** True when its send queue has reached the HWM (0 = no limit). */
  public boolean isFull() {
    return hwm > 0 && queued >= hwm;
  }

  public int queued() {
    return queued;
  }

  public SocketType type() {
    return type;
  }

  /** Queues {@code wire} (its reference is taken) as {@code messages} messages; flushed later. */
  void write(ByteBuf wire, int messages, long payloadBytes) {
    channel.write(wire, channel.voidPromise());
    queued += messages;
    batch += messages;
    batchBytes += payloadBytes;
    if (!dirty) {
      dirty = true;
      owner.dirty(this);
    }
    if (batch >= flushEvery) {
      // One read batch can hold thousands of messages: hand them to the socket before they
      // reach the HWM, so that the HWM measures a slow peer and not our own batching.
      flush();
    }
  }

  /** Writes without counting towards the HWM (commands, subscriptions). */
  void writeControl(ByteBuf frame) {
    channel.write(frame, channel.voidPromise());
    if (!dirty) {
      dirty = true;
      owner.dirty(this);
    }
  }

  /**
   * Flushes what was written since the last flush; when it has reached the socket the queue shrinks
   * (one listener per flush, not per message: writes complete in order).
   */
  void flush() {
    dirty = false;
    if (batch > 0) {
      int n = batch;
      long bytes = batchBytes;
      batch = 0;
      batchBytes = 0;
      owner.sent(side, n, bytes);
      channel
          .write(Unpooled.EMPTY_BUFFER)
          .addListener(
              f -> {
                boolean wasFull = isFull();
                queued -= n;
                if (wasFull && !isFull()) {
                  owner.drained(this);
                }
              });
    }
    channel.flush();
  }

  @Override
  public String toString() {
    return type + "@" + channel.remoteAddress();
  }
}
