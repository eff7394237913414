package io.zeromesh.broker.device;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which subscriber (identified by an opaque key: the XPUB pipe) holds which topics, and how many
 * subscribers hold each topic. The forwarder applies every change here first, so upstream sees each
 * distinct topic once (subscribe when its first holder comes, unsubscribe when its last holder
 * goes) and the counts behind {@code zeromesh_subscriptions} stay exact.
 *
 * @param <P> the subscriber key
 */
final class SubscriptionBook<P> {
  /** What a change did to the set of distinct topics. */
  enum Change {
    NONE,
    FIRST_HOLDER,
    LAST_HOLDER_GONE
  }

  private final Map<P, Set<Topic>> byPipe = new IdentityHashMap<>();
  private final Map<Topic, Integer> holders = new HashMap<>();

  boolean knows(P pipe) {
    return byPipe.containsKey(pipe);
  }

  boolean holds(P pipe, Topic topic) {
    Set<Topic> topics = byPipe.get(pipe);
    return topics != null && topics.contains(topic);
  }

  /** Whether {@code pipe} holds a subscription that is a prefix of {@code message}'s topic. */
  boolean matches(P pipe, byte[] firstFrame) {
    Set<Topic> topics = byPipe.get(pipe);
    if (topics == null) {
      return false;
    }
    for (Topic t : topics) {
      if (t.isPrefixOf(firstFrame)) {
        return true;
      }
    }
    return false;
  }

  /** Records a subscription; {@link Change#NONE} also when the pipe held it already. */
  Change subscribe(P pipe, Topic topic) {
    if (!byPipe.computeIfAbsent(pipe, p -> new HashSet<>()).add(topic)) {
      return Change.NONE;
    }
    return holders.merge(topic, 1, Integer::sum) == 1 ? Change.FIRST_HOLDER : Change.NONE;
  }

  /** Removes a subscription the pipe holds ({@link #holds}); {@link Change#NONE} otherwise. */
  Change unsubscribe(P pipe, Topic topic) {
    Set<Topic> topics = byPipe.get(pipe);
    if (topics == null || !topics.remove(topic)) {
      return Change.NONE;
    }
    if (topics.isEmpty()) {
      byPipe.remove(pipe);
    }
    return release(topic);
  }

  /**
   * Forgets every pipe not in {@code live}; returns the topics that lost their last holder. {@code
   * live} is compared by identity.
   */
  List<Topic> retainPipes(Collection<P> live) {
    List<Topic> gone = new ArrayList<>();
    if (byPipe.isEmpty()) {
      return gone;
    }
    Set<P> alive = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    alive.addAll(live);
    var it = byPipe.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      if (!alive.contains(e.getKey())) {
        for (Topic t : e.getValue()) {
          if (release(t) == Change.LAST_HOLDER_GONE) {
            gone.add(t);
          }
        }
        it.remove();
      }
    }
    return gone;
  }

  private Change release(Topic topic) {
    Integer n = holders.get(topic);
    if (n == null) {
      return Change.NONE;
    }
    if (n <= 1) {
      holders.remove(topic);
      return Change.LAST_HOLDER_GONE;
    }
    holders.put(topic, n - 1);
    return Change.NONE;
  }

  /** Distinct topics held by at least one subscriber. */
  int distinctTopics() {
    return holders.size();
  }

  /** Subscribers holding at least one topic. */
  int subscribers() {
    return byPipe.size();
  }
}
