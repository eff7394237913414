package io.zeromesh.broker.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zeromesh.broker.device.DeviceConfig;
import io.zeromesh.broker.device.DeviceMetrics;
import io.zeromesh.broker.device.DeviceMetrics.DropReason;
import io.zeromesh.broker.device.DeviceMetrics.Side;
import io.zeromesh.broker.log.Log;
import io.zeromesh.broker.zmtp.FrameDecoder.MessageView;
import io.zeromesh.broker.zmtp.Frames;
import io.zeromesh.broker.zmtp.SocketType;
import java.util.HashSet;
import java.util.function.Consumer;

/**
 * XSUB frontend, XPUB backend. Subscribers' SUBSCRIBE/CANCEL (commands, or the legacy {@code
 * 0x01}/{@code 0x00} messages) go into a prefix index; a prefix's first subscriber sends it to
 * every publisher, its last one cancels it, and a publisher that joins gets every prefix held. Each
 * message goes once to every subscriber with a matching prefix; a subscriber at its HWM misses it
 * (counted as dropped), as with libzmq's XPUB. Publishers are never held up. A subscriber's outbox
 * gathers the messages of one read into one write (a slice of consecutive messages).
 */
final class Forwarder extends DeviceCore implements Consumer<Outbox> {
  private final SideEndpoint front;
  private final SideEndpoint back;
  private final SubscriptionIndex<Outbox> index = new SubscriptionIndex<>();
  private long messageNumber;
  private MessageView current;
  private final LastValues lastValues;

  /** The welcome message as one encoded frame, or null when off. */
  private final ByteBuf welcome;

  private final long welcomeBytes;

  // Start gate: messages held until --min-subscribers subscribers; it stays open afterwards.
  private boolean gateOpen;
  private final java.util.ArrayDeque<LastValues.Entry> gate = new java.util.ArrayDeque<>();
  private int subscribers;

  /** Publishers send everything (for the cache, or while the gate is closed). */
  private boolean receiveAll;

  Forwarder(DeviceConfig config, DeviceMetrics metrics, Log log) {
    super(config, metrics, log);
    lastValues = config.lastValueCache ? new LastValues() : null;
    gateOpen = config.minSubscribers == 0;
    receiveAll = lastValues != null || !gateOpen;
    if (config.welcomeMessage != null) {
      welcome = Unpooled.buffer();
      Frames.writeFrame(welcome, 0, config.welcomeMessage);
      welcomeBytes = config.welcomeMessage.length;
    } else {
      welcome = null;
      welcomeBytes = 0;
    }
    front =
        new SideEndpoint(Side.FRONTEND, SocketType.XSUB) {
          @Override
          public void joined(Peer p) {
            super.joined(p);
            if (p.fixedPrefixes != null) {
              for (ByteBuf prefix : p.fixedPrefixes) {
                p.writeControl(subscriptionMessage(prefix, true));
              }
            } else if (receiveAll) {
              // The cache and the closed gate need every message: publishers send everything.
              p.writeControl(subscriptionMessage(Unpooled.EMPTY_BUFFER, true));
            } else {
              index.forEachPrefix(prefix -> p.writeControl(subscriptionMessage(prefix, true)));
            }
          }

          @Override
          public boolean message(Peer p, MessageView m) {
            if (paused) {
              return false;
            }
            received(Side.FRONTEND, m.payloadBytes);
            publish(m);
            return true;
          }
        };
    back =
        new SideEndpoint(Side.BACKEND, SocketType.XPUB) {
          @Override
          public boolean message(Peer p, MessageView m) {
            // Subscribers only subscribe; libzmq 3.0 peers do it with a message 0x01/0x00+prefix.
            if (m.frames == 1 && m.firstBodyLength >= 1) {
              int kind = m.buffer.getByte(m.firstBodyStart);
              if (kind == 1 || kind == 0) {
                ByteBuf prefix = m.buffer.slice(m.firstBodyStart + 1, m.firstBodyLength - 1);
                subscription(p, prefix, kind == 1);
              }
            }
            return true;
          }

          @Override
          public void subscription(Peer p, ByteBuf prefix, boolean on) {
            // Counted as XPUB receives them: one message of 0x01/0x00 + prefix each.
            received(Side.BACKEND, 1 + prefix.readableBytes());
            Outbox o = peers.outbox(p);
            if (o == null) {
              return;
            }
            if (on) {
              subscribe(p, o, prefix);
            } else {
              cancel(p, o, prefix);
            }
          }

          @Override
          public void left(Peer p) {
            Outbox o = peers.outbox(p);
            super.left(p);
            if (p.subscriptions != null && o != null) {
              for (ByteBuf prefix : p.subscriptions.toArray(new ByteBuf[0])) {
                cancel(p, o, prefix);
              }
            }
          }
        };
  }

  private void publish(MessageView m) {
    if (!gateOpen) {
      if (gate.size() >= config.startGateBuffer) {
        gate.pollFirst().wire().release();
        dropped(Side.BACKEND, DropReason.HWM, 1);
      }
      gate.addLast(
          new LastValues.Entry(
              Unpooled.copiedBuffer(m.buffer.slice(m.start, m.end - m.start)), m.payloadBytes));
      metrics.startGateBuffered(gate.size());
      return;
    }
    if (lastValues != null) {
      lastValues.put(
          m.buffer.slice(m.firstBodyStart, m.firstBodyLength),
          m.buffer.slice(m.start, m.end - m.start),
          m.payloadBytes);
    }
    if (index.distinct() == 0) {
      return;
    }
    messageNumber++;
    current = m;
    index.match(m.buffer, m.firstBodyStart, m.firstBodyLength, this);
    current = null;
  }

  /**
   * Gives the current message to one matching subscriber (once, however many prefixes): its outbox
   * extends a run of consecutive messages, so a subscriber of a busy topic gets one write per read.
   */
  @Override
  public void accept(Outbox s) {
    if (s.lastMessage == messageNumber) {
      return;
    }
    s.lastMessage = messageNumber;
    if (s.full()) {
      dropped(Side.BACKEND, DropReason.HWM, 1);
      return;
    }
    MessageView m = current;
    s.add(m.buffer, m.start, m.end, m.payloadBytes);
  }

  void subscribe(Peer p, Outbox o, ByteBuf prefix) {
    int holders = index.add(prefix, o);
    if (holders == 0) {
      return;
    }
    if (p.subscriptions == null) {
      p.subscriptions = new HashSet<>();
    }
    if (p.subscriptions.isEmpty()) {
      subscribers++;
    }
    p.subscriptions.add(Unpooled.copiedBuffer(prefix));
    if (welcome != null && !p.welcomed) {
      p.welcomed = true;
      replay(o, welcome, welcomeBytes);
    }
    if (lastValues != null) {
      for (LastValues.Entry e : lastValues.matching(prefix)) {
        replay(o, e.wire(), e.payloadBytes());
      }
    }
    if (holders == 1) {
      toPublishers(prefix, true);
    }
    metrics.subscriptions(index.distinct());
    openGateIfDue();
  }

  /** Releases what the gate held, in order, once enough subscribers are there. */
  private void openGateIfDue() {
    if (gateOpen || subscribers < config.minSubscribers) {
      return;
    }
    gateOpen = true;
    int released = gate.size();
    MessageView v = new MessageView();
    LastValues.Entry e;
    while ((e = gate.pollFirst()) != null) {
      ByteBuf w = e.wire();
      int flags = w.getUnsignedByte(0);
      boolean longFrame = (flags & Frames.LONG) != 0;
      v.buffer = w;
      v.start = 0;
      v.end = w.writerIndex();
      v.firstBodyStart = longFrame ? 9 : 2;
      v.firstBodyLength = longFrame ? (int) w.getLong(1) : w.getUnsignedByte(1);
      v.payloadBytes = e.payloadBytes();
      publish(v);
      emitAll(); // what went into outboxes leaves before the entry's buffer is released
      w.release();
    }
    metrics.startGateBuffered(0);
    if (receiveAll && lastValues == null) {
      // From now on publishers send only what subscribers asked for.
      receiveAll = false;
      index.forEachPrefix(prefix -> toPublishers(prefix, true));
      if (index.count(Unpooled.EMPTY_BUFFER) == 0) {
        toPublishers(Unpooled.EMPTY_BUFFER, false);
      }
    }
    log.info("start_gate_open", "subscribers", subscribers, "released", released);
  }

  /** The welcome message or a cached last value to one subscriber; dropped at its HWM. */
  private void replay(Outbox o, ByteBuf wire, long payloadBytes) {
    if (o.full()) {
      dropped(Side.BACKEND, DropReason.HWM, 1);
    } else {
      o.emit(); // keep order with anything pending
      o.peer.write(wire.retainedDuplicate(), 1, payloadBytes);
    }
  }

  void cancel(Peer p, Outbox o, ByteBuf prefix) {
    int left = index.remove(prefix, o);
    if (left < 0) {
      return;
    }
    p.subscriptions.remove(prefix);
    if (p.subscriptions.isEmpty()) {
      subscribers--;
    }
    if (left == 0) {
      toPublishers(prefix, false);
    }
    metrics.subscriptions(index.distinct());
  }

  private void toPublishers(ByteBuf prefix, boolean on) {
    if (receiveAll) {
      return; // publishers already send everything (see joined)
    }
    for (Peer pub : front.peers.all()) {
      if (pub.fixedPrefixes == null) {
        pub.writeControl(subscriptionMessage(prefix, on));
      }
    }
  }

  /**
   * A subscription as the legacy message {@code 0x01|0x00 + prefix}: every ZMTP 3.x publisher
   * (libzmq, JeroMQ) understands it, where not all take the 3.1 SUBSCRIBE command.
   */
  static ByteBuf subscriptionMessage(ByteBuf prefix, boolean on) {
    int len = prefix.readableBytes() + 1;
    ByteBuf b = Unpooled.buffer(Frames.headerSize(len) + len);
    Frames.writeHeader(b, 0, len);
    b.writeByte(on ? 1 : 0);
    b.writeBytes(prefix, prefix.readerIndex(), prefix.readableBytes());
    return b;
  }

  int distinctSubscriptions() {
    return index.distinct();
  }

  @Override
  SideEndpoint frontend() {
    return front;
  }

  @Override
  SideEndpoint backend() {
    return back;
  }
}
