package io.zeromesh.broker.engine;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Prefix subscriptions of a forwarder's subscribers (libzmq mtrie.cpp in spirit): a byte trie whose
 * nodes hold the subscribers of exactly that prefix. A subscriber holds a prefix at most once (a
 * SUB socket counts its own duplicate subscriptions and sends the first and the last only), so a
 * prefix's reference count is the number of subscribers holding it, exact under any churn.
 *
 * @param <S> the subscriber type
 */
final class SubscriptionIndex<S> {
  private static final class Node<S> {
    byte[] labels = new byte[0];
    List<Node<S>> children = new ArrayList<>(0);
    final List<S> subscribers = new ArrayList<>(1);

    Node<S> child(byte b) {
      byte[] l = labels;
      for (int i = 0; i < l.length; i++) {
        if (l[i] == b) {
          return children.get(i);
        }
      }
      return null;
    }

    Node<S> childOrNew(byte b) {
      Node<S> c = child(b);
      if (c == null) {
        c = new Node<>();
        labels = java.util.Arrays.copyOf(labels, labels.length + 1);
        labels[labels.length - 1] = b;
        children.add(c);
      }
      return c;
    }

    void prune(byte b) {
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] == b) {
          Node<S> c = children.get(i);
          if (c.subscribers.isEmpty() && c.children.isEmpty()) {
            children.remove(i);
            byte[] l = new byte[labels.length - 1];
            System.arraycopy(labels, 0, l, 0, i);
            System.arraycopy(labels, i + 1, l, i, labels.length - i - 1);
            labels = l;
          }
          return;
        }
      }
    }
  }

  private final Node<S> root = new Node<>();
  private int distinct;

  /**
   * Adds {@code s} to {@code prefix} (readable bytes). Returns the prefix's subscriber count
   * afterwards, or 0 when {@code s} already held it (nothing changed).
   */
  int add(ByteBuf prefix, S s) {
    Node<S> n = root;
    for (int i = prefix.readerIndex(); i < prefix.writerIndex(); i++) {
      n = n.childOrNew(prefix.getByte(i));
    }
    if (n.subscribers.contains(s)) {
      return 0;
    }
    n.subscribers.add(s);
    if (n.subscribers.size() == 1) {
      distinct++;
    }
    return n.subscribers.size();
  }

  /**
   * Removes {@code s} from {@code prefix}. Returns the count left, or -1 when {@code s} did not
   * hold it.
   */
  int remove(ByteBuf prefix, S s) {
    int len = prefix.readableBytes();
    @SuppressWarnings("unchecked")
    Node<S>[] path = new Node[len + 1];
    Node<S> n = root;
    path[0] = n;
    for (int i = 0; i < len; i++) {
      n = n.child(prefix.getByte(prefix.readerIndex() + i));
      if (n == null) {
        return -1;
      }
      path[i + 1] = n;
    }
    if (!n.subscribers.remove(s)) {
      return -1;
    }
    int left = n.subscribers.size();
    if (left == 0) {
      distinct--;
      for (int i = len; i > 0; i--) {
        Node<S> node = path[i];
        if (!node.subscribers.isEmpty() || !node.children.isEmpty()) {
          break;
        }
        path[i - 1].prune(prefix.getByte(prefix.readerIndex() + i - 1));
      }
    }
    return left;
  }

  /** Subscribers of {@code prefix} exactly. */
  int count(ByteBuf prefix) {
    Node<S> n = root;
    for (int i = prefix.readerIndex(); i < prefix.writerIndex() && n != null; i++) {
      n = n.child(prefix.getByte(i));
    }
    return n == null ? 0 : n.subscribers.size();
  }

  /** Prefixes with at least one subscriber. */
  int distinct() {
    return distinct;
  }

  /**
   * Calls {@code each} for every subscriber of every prefix of {@code topic[start, start+len)} (a
   * subscriber of several matching prefixes is called once per prefix: the caller de-duplicates).
   */
  void match(ByteBuf buf, int start, int len, Consumer<S> each) {
    Node<S> n = root;
    for (int i = 0; ; i++) {
      List<S> subs = n.subscribers;
      for (int k = 0, m = subs.size(); k < m; k++) {
        each.accept(subs.get(k));
      }
      if (i == len) {
        return;
      }
      n = n.child(buf.getByte(start + i));
      if (n == null) {
        return;
      }
    }
  }

  /** Calls {@code each} with every prefix that has a subscriber (a buffer valid for the call). */
  void forEachPrefix(Consumer<ByteBuf> each) {
    walk(root, new byte[0], each);
  }

  private void walk(Node<S> n, byte[] path, Consumer<ByteBuf> each) {
    if (!n.subscribers.isEmpty()) {
      each.accept(io.netty.buffer.Unpooled.wrappedBuffer(path));
    }
    for (int i = 0; i < n.labels.length; i++) {
      byte[] p = java.util.Arrays.copyOf(path, path.length + 1);
      p[path.length] = n.labels[i];
      walk(n.children.get(i), p, each);
    }
  }
}
