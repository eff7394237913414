package io.zeromesh.broker.engine;

import io.zeromesh.broker.device.DeviceMetrics.Side;
import java.util.ArrayList;
import java.util.List;

/**
 * The ready peers of one bound socket, with libzmq's load balancer over them (lb.cpp): each message
 * to the next peer in turn that is not at its HWM; none when all are.
 */
final class PeerSet {
  /** The device plumbing a peer reports to. */
  interface Owner {
    void dirty(Peer p);

    void sent(Side side, long messages, long bytes);

    void drained(Peer p);
  }

  private final List<Peer> peers = new ArrayList<>();
  private int next;

  void add(Peer p) {
    peers.add(p);
  }

  void remove(Peer p) {
    int i = peers.indexOf(p);
    if (i >= 0) {
      peers.remove(i);
      if (next > i) {
        next--;
      }
      if (next >= peers.size()) {
        next = 0;
      }
    }
  }

  List<Peer> all() {
    return peers;
  }

  int size() {
    return peers.size();
  }

  /** The next peer with room, in round-robin order, or null when every peer is full (or none). */
  Peer nextWithRoom() {
    int n = peers.size();
    for (int i = 0; i < n; i++) {
      int idx = next + i;
      if (idx >= n) {
        idx -= n;
      }
      Peer p = peers.get(idx);
      if (!p.isFull()) {
        next = idx + 1 == n ? 0 : idx + 1;
        return p;
      }
    }
    return null;
  }
}
