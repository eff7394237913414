package io.zeromesh.broker.engine;

import io.zeromesh.broker.device.DeviceMetrics.Side;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ready peers of one bound socket, each with its {@link Outbox}, and libzmq's load balancer
 * over them (lb.cpp): each message to the next peer in turn that is not at its HWM (counting what
 * its outbox holds); none when all are.
 */
final class PeerSet {
  /** The device plumbing a peer reports to. */
  interface Owner {
    void dirty(Peer p);

    void sent(Side side, long messages, long bytes);

    void drained(Peer p);
  }

  private final List<Peer> peers = new ArrayList<>();
  private final List<Outbox> boxes = new ArrayList<>();
  private final Map<Peer, Outbox> byPeer = new IdentityHashMap<>();
  private int next;

  void add(Peer p, Outbox o) {
    peers.add(p);
    boxes.add(o);
    byPeer.put(p, o);
  }

  /** Removes {@code p}; returns its outbox, or null when it was not here. */
  Outbox remove(Peer p) {
    Outbox o = byPeer.remove(p);
    int i = peers.indexOf(p);
    if (i >= 0) {
      peers.remove(i);
      boxes.remove(i);
      if (next > i) {
        next--;
      }
      if (next >= peers.size()) {
        next = 0;
      }
    }
    return o;
  }

  List<Peer> all() {
    return peers;
  }

  /** The outbox of {@code p}, or null when it is not a peer here. */
  Outbox outbox(Peer p) {
    return byPeer.get(p);
  }

  int size() {
    return peers.size();
  }

  /** The next peer with room, in round-robin order, or null when every peer is full (or none). */
  Outbox nextWithRoom() {
    int n = boxes.size();
    for (int i = 0; i < n; i++) {
      int idx = next + i;
      if (idx >= n) {
        idx -= n;
      }
      Outbox o = boxes.get(idx);
      if (!o.full()) {
        next = idx + 1 == n ? 0 : idx + 1;
        return o;
      }
    }
    return null;
  }
}
