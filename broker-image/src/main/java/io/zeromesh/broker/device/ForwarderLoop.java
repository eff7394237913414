package io.zeromesh.broker.device;

import io.zeromesh.broker.device.DeviceMetrics.DropReason;
import io.zeromesh.broker.device.DeviceMetrics.Side;
import io.zeromesh.broker.device.SubscriptionBook.Change;
import io.zeromesh.broker.log.Log;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import zmq.Msg;
import zmq.SocketBase;
import zmq.ZMQ;
import zmq.pipe.Pipe;
import zmq.poll.PollItem;

/**
 * The pub-sub forwarder: XSUB frontend (publishers connect), XPUB backend (subscribers connect),
 * plus optional upstream links (one XSUB for upstreams that take the downstream subscriptions, one
 * SUB per upstream with a fixed prefix list).
 *
 * <p>The XPUB runs in XPUB_MANUAL mode: every subscribe and unsubscribe of every subscriber reaches
 * this loop, which applies it to the XPUB's trie itself. That is what lets it
 *
 * <ul>
 *   <li>count distinct subscriptions exactly and tell upstream each distinct topic once;
 *   <li>send the welcome message, and the cached last values matching a new subscription, to the
 *       new subscriber's pipe alone (others never see them again);
 *   <li>count subscribers for the start gate.
 * </ul>
 *
 * Data to subscribers is never blocked: a subscriber whose pipe is at its high-water mark misses
 * messages (ZeroMQ PUB semantics). JeroMQ does not report those drops; the loop counts them, per
 * subscriber that missed a message, as {@code reason="hwm"} on the backend ({@link #publish}).
 * Start gate: messages wait in a buffer of {@code --start-gate-buffer} until {@code
 * --min-subscribers} subscribers hold a subscription; when the buffer is full the oldest message is
 * dropped (counted as {@code reason="hwm"} on the backend), so the freshest are released, in order,
 * when the gate opens. The gate stays open afterwards.
 */
final class ForwarderLoop extends DeviceLoop {
  private static final Topic EVERYTHING = new Topic(new byte[0]);
  private final SocketBase frontend;
  private final SocketBase backend;
  private final SocketBase anyTopicUpstream;
  private final List<SocketBase> dataSources = new ArrayList<>();
  private final List<PollItem> dataItems = new ArrayList<>();
  private final PollItem backendIn;
  private final XPubInternals xpub;
  private final SubscriptionBook<Pipe> book = new SubscriptionBook<>();
  private final Set<Pipe> welcomed = Collections.newSetFromMap(new IdentityHashMap<>());
  private final LastValueCache lastValues;
  private final byte[][] welcome;
  private final int minSubscribers;
  private final int gateCapacity;
  private final ArrayDeque<byte[][]> gate = new ArrayDeque<>();
  private boolean gateOpen;

  /** The device itself subscribes upstream to everything (cache, or closed gate). */
  private boolean receiveAll;

  private final List<Msg> frames = new ArrayList<>();

  /** Upstreams whose connect failed (name not resolvable yet): retried while idle. */
  private final List<UpstreamLink> unconnected;

  private long lastConnectAttemptNanos = System.nanoTime();

  ForwarderLoop(
      DeviceConfig config,
      SocketBase frontend,
      SocketBase backend,
      SocketBase anyTopicUpstream,
      List<SocketBase> fixedUpstreams,
      List<UpstreamLink> unconnected,
      SocketBase control,
      DeviceMetrics metrics,
      Log log) {
    super(control, metrics, log);
    this.frontend = frontend;
    this.backend = backend;
    this.unconnected = new ArrayList<>(unconnected);
    this.anyTopicUpstream = anyTopicUpstream;
    dataSources.add(frontend);
    if (anyTopicUpstream != null) {
      dataSources.add(anyTopicUpstream);
    }
    dataSources.addAll(fixedUpstreams);
    for (SocketBase s : dataSources) {
      dataItems.add(new PollItem(s, ZMQ.ZMQ_POLLIN));
    }
    this.backendIn = new PollItem(backend, ZMQ.ZMQ_POLLIN);
    this.xpub = XPubInternals.of(backend);
    this.lastValues =
        config.lastValueCache
            ? new LastValueCache(
                LastValueCache.DEFAULT_MAX_TOPICS, LastValueCache.DEFAULT_MAX_BYTES)
            : null;
    this.welcome = config.welcomeMessage == null ? null : new byte[][] {config.welcomeMessage};
    this.minSubscribers = config.minSubscribers;
    this.gateCapacity = config.startGateBuffer;
    this.gateOpen = config.minSubscribers == 0;
    this.receiveAll = lastValues != null || !gateOpen;
    if (receiveAll) {
      // The cache and the gate need every message, not only those a subscriber asked for yet.
      upstream(EVERYTHING, true);
    }
  }

  @Override
  int pump() {
    int moved = handleSubscriptions();
    for (int i = 0; i < dataSources.size(); i++) {
      moved += forwardData(dataSources.get(i));
    }
    return moved;
  }

  @Override
  void pollItems(List<PollItem> into) {
    into.add(backendIn);
    into.addAll(dataItems);
  }

  @Override
  void idle() {
    retryUpstreams();
    forgetGoneSubscribers();
  }

  private int forwardData(SocketBase source) {
    long in = 0;
    long inBytes = 0;
    long out = 0;
    long outBytes = 0;
    long dropped = 0;
    while (in < BATCH) {
      long size = recvMessage(source, frames);
      if (size < 0) {
        break;
      }
      in++;
      inBytes += size;
      if (gateOpen) {
        if (lastValues != null) {
          lastValues.put(copy(frames));
        }
        dropped += publish(frames);
        out++;
        outBytes += size;
      } else {
        if (gate.size() >= gateCapacity) {
          gate.pollFirst();
          dropped++;
        }
        gate.addLast(copy(frames));
      }
    }
    if (in > 0) {
      metrics.received(Side.FRONTEND, in, inBytes);
      if (out > 0) {
        metrics.sent(Side.BACKEND, out, outBytes);
      }
      if (!gateOpen) {
        metrics.startGateBuffered(gate.size());
      }
      if (dropped > 0) {
        metrics.dropped(Side.BACKEND, DropReason.HWM, dropped);
      }
    }
    return (int) in;
  }

  private int handleSubscriptions() {
    int n = 0;
    long bytes = 0;
    while (n < BATCH) {
      Msg m = backend.recv(ZMQ.ZMQ_DONTWAIT);
      if (m == null) {
        break;
      }
      n++;
      bytes += m.size();
      byte[] data = m.data();
      if (data.length > 0 && (data[0] == 1 || data[0] == 0)) {
        onSubscription(m, data);
      } else {
        // A message a downstream XSUB sent up: pass it to the publishers, as zmq_proxy does.
        List<Msg> up = new ArrayList<>();
        up.add(m);
        while (m.hasMore()) {
          m = backend.recv(0);
          up.add(m);
        }
        if (sendMessage(frontend, up)) {
          metrics.sent(Side.FRONTEND, 1, m.size());
        }
      }
    }
    if (n > 0) {
      metrics.received(Side.BACKEND, n, bytes);
      metrics.subscriptions(book.distinctTopics());
    }
    return n;
  }

  private void onSubscription(Msg m, byte[] data) {
    Pipe pipe = xpub.lastPipe();
    Topic topic = Topic.ofSubscription(data);
    if (data[0] == 0) {
      if (pipe != null && book.holds(pipe, topic)) {
        xpub.unsubscribe(m, pipe);
        if (book.unsubscribe(pipe, topic) == Change.LAST_HOLDER_GONE) {
          upstream(topic, false);
        }
      } else {
        // JeroMQ reports the last topics of a subscriber that went away this way.
        forgetGoneSubscribers();
      }
      return;
    }
    if (pipe == null) {
      // JeroMQ 0.6.0 forgets the sender of subscriptions queued when another subscriber
      // disconnects at the same moment; the subscriber must subscribe again.
      log.warn("subscription_lost", "topic", topic);
      return;
    }
    if (book.holds(pipe, topic)) {
      return;
    }
    xpub.subscribe(m, pipe);
    Change change = book.subscribe(pipe, topic);
    long replayed = 0;
    long replayedBytes = 0;
    long full = 0;
    if (welcome != null && welcomed.add(pipe)) {
      if (XPubInternals.writeTo(pipe, welcome)) {
        replayed++;
        replayedBytes += size(welcome);
      } else {
        full++;
      }
    }
    if (lastValues != null) {
      for (byte[][] cached : lastValues.matching(topic)) {
        if (XPubInternals.writeTo(pipe, cached)) {
          replayed++;
          replayedBytes += size(cached);
        } else {
          full++;
        }
      }
    }
    if (replayed > 0) {
      metrics.sent(Side.BACKEND, replayed, replayedBytes);
    }
    if (full > 0) {
      metrics.dropped(Side.BACKEND, DropReason.HWM, full);
    }
    if (change == Change.FIRST_HOLDER) {
      upstream(topic, true);
    }
    log.debug("subscribed", "topic", topic, "subscribers", book.subscribers());
    openGateIfDue();
  }

  private void retryUpstreams() {
    if (unconnected.isEmpty()
        || System.nanoTime() - lastConnectAttemptNanos < UpstreamLink.RETRY_NANOS) {
      return;
    }
    lastConnectAttemptNanos = System.nanoTime();
    unconnected.removeIf(link -> link.tryConnect(log));
  }

  private void forgetGoneSubscribers() {
    if (book.subscribers() == 0 && welcomed.isEmpty()) {
      return;
    }
    List<Pipe> live = xpub.pipes();
    for (Topic gone : book.retainPipes(live)) {
      upstream(gone, false);
    }
    if (!welcomed.isEmpty()) {
      Set<Pipe> alive = Collections.newSetFromMap(new IdentityHashMap<>());
      alive.addAll(live);
      welcomed.retainAll(alive);
    }
    metrics.subscriptions(book.distinctTopics());
  }

  /**
   * Tells the publishers and the any-topic upstreams about a distinct topic's first/last holder.
   */
  private void upstream(Topic topic, boolean subscribe) {
    byte[] message = topic.subscriptionMessage(subscribe);
    frontend.send(new Msg(message), 0);
    long sent = 1;
    if (anyTopicUpstream != null) {
      anyTopicUpstream.send(new Msg(message), 0);
      sent++;
    }
    metrics.sent(Side.FRONTEND, sent, sent * message.length);
  }

  private void openGateIfDue() {
    if (gateOpen || book.subscribers() < minSubscribers) {
      return;
    }
    gateOpen = true;
    long released = 0;
    long bytes = 0;
    long full = 0;
    List<Msg> out = new ArrayList<>();
    byte[][] held;
    while ((held = gate.pollFirst()) != null) {
      out.clear();
      for (int i = 0; i < held.length; i++) {
        out.add(new Msg(held[i]));
        bytes += held[i].length;
      }
      if (lastValues != null) {
        lastValues.put(held);
      }
      full += publish(out);
      released++;
    }
    metrics.startGateBuffered(0);
    if (full > 0) {
      metrics.dropped(Side.BACKEND, DropReason.HWM, full);
    }
    if (receiveAll && lastValues == null) {
      // From now on publishers send only what subscribers asked for.
      receiveAll = false;
      upstream(EVERYTHING, false);
    }
    if (released > 0) {
      metrics.sent(Side.BACKEND, released, bytes);
    }
    log.info("start_gate_open", "subscribers", book.subscribers(), "released", released);
  }

  /**
   * Sends one message to the subscribers and returns how many matching subscribers did not get it
   * for being at their high-water mark. The XPUB never refuses a message; its distributor skips
   * (and so drops for) every matching pipe that is full, which is known right after the first
   * frame: the pipes it skips then are those.
   */
  private long publish(List<Msg> message) {
    Msg first = message.get(0);
    byte[] topic = first.data();
    int last = message.size() - 1;
    backend.send(first, last > 0 ? ZMQ.ZMQ_SNDMORE : 0);
    long skipped = 0;
    for (Pipe pipe : xpub.skippedPipes()) {
      if (book.matches(pipe, topic)) {
        skipped++;
      }
    }
    for (int i = 1; i <= last; i++) {
      backend.send(message.get(i), i < last ? ZMQ.ZMQ_SNDMORE : 0);
    }
    return skipped;
  }

  private static long size(byte[][] frames) {
    long n = 0;
    for (byte[] f : frames) {
      n += f.length;
    }
    return n;
  }

  private static byte[][] copy(List<Msg> frames) {
    byte[][] out = new byte[frames.size()][];
    for (int i = 0; i < out.length; i++) {
      Msg m = frames.get(i);
      byte[] b = new byte[m.size()];
      m.getBytes(0, b, 0, b.length);
      out[i] = b;
    }
    return out;
  }
}
