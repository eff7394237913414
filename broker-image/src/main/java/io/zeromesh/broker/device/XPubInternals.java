package io.zeromesh.broker.device;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import zmq.Msg;
import zmq.SocketBase;
import zmq.pipe.Pipe;
import zmq.socket.pubsub.XPub;

/**
 * What the forwarder needs from JeroMQ 0.6.0's XPUB that its API does not offer, reached by
 * reflection and checked once at start-up ({@link #check}):
 *
 * <ul>
 *   <li>the pipe that sent the subscription just received ({@code lastPipe}, kept only in
 *       XPUB_MANUAL mode), so a welcome message and last values go to that subscriber alone, by a
 *       direct write on its pipe (what libzmq does for ZMQ_XPUB_WELCOME_MSG);
 *   <li>the subscription trie, to apply a subscription byte for byte: JeroMQ 0.6.0's manual {@code
 *       setsockopt(ZMQ_SUBSCRIBE)} drops the topic's first byte and re-encodes it as a String;
 *   <li>the attached pipes, to notice subscribers that went away;
 *   <li>which pipes the distributor skips for being at their high-water mark, to count the messages
 *       a PUB drops there (JeroMQ drops them without a word).
 * </ul>
 *
 * Everything here runs on the device thread, the only thread that uses the XPUB socket.
 */
final class XPubInternals {
  private static final Field LAST_PIPE;
  private static final Field SUBSCRIPTIONS;
  private static final Field DIST;
  private static final Field DIST_PIPES;
  private static final Field DIST_ELIGIBLE;
  private static final Field PIPE_OUT_ACTIVE;
  private static final Method MTRIE_ADD;
  private static final Method MTRIE_RM;
  private static final Throwable UNAVAILABLE;

  static {
    Field lastPipe = null;
    Field subscriptions = null;
    Field dist = null;
    Field distPipes = null;
    Field distEligible = null;
    Field outActive = null;
    Method add = null;
    Method rm = null;
    Throwable failure = null;
    try {
      lastPipe = open(XPub.class.getDeclaredField("lastPipe"));
      subscriptions = open(XPub.class.getDeclaredField("subscriptions"));
      dist = open(XPub.class.getDeclaredField("dist"));
      distPipes = open(dist.getType().getDeclaredField("pipes"));
      distEligible = open(dist.getType().getDeclaredField("eligible"));
      outActive = open(Pipe.class.getDeclaredField("outActive"));
      Class<?> mtrie = subscriptions.getType();
      add = mtrie.getDeclaredMethod("add", Msg.class, Pipe.class);
      add.setAccessible(true);
      rm = mtrie.getDeclaredMethod("rm", Msg.class, Pipe.class);
      rm.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      failure = e;
    }
    LAST_PIPE = lastPipe;
    SUBSCRIPTIONS = subscriptions;
    DIST = dist;
    DIST_PIPES = distPipes;
    DIST_ELIGIBLE = distEligible;
    PIPE_OUT_ACTIVE = outActive;
    MTRIE_ADD = add;
    MTRIE_RM = rm;
    UNAVAILABLE = failure;
  }

  private final XPub xpub;

  private XPubInternals(XPub xpub) {
    this.xpub = xpub;
  }

  private static Field open(Field f) {
    f.setAccessible(true);
    return f;
  }

  /** Fails when the JeroMQ on the class path is not the one this was written against. */
  static void check() {
    if (UNAVAILABLE != null) {
      throw new DeviceException(
          "JeroMQ XPUB internals not found (JeroMQ 0.6.0 expected): " + UNAVAILABLE, UNAVAILABLE);
    }
  }

  static XPubInternals of(SocketBase socket) {
    check();
    return new XPubInternals((XPub) socket);
  }

  /** The pipe of the subscription message received last; null when JeroMQ lost track of it. */
  Pipe lastPipe() {
    return (Pipe) get(LAST_PIPE, xpub);
  }

  /** Adds {@code subscription} ({@code 0x01} + topic, as received) for {@code pipe}. */
  void subscribe(Msg subscription, Pipe pipe) {
    invoke(MTRIE_ADD, get(SUBSCRIPTIONS, xpub), subscription, pipe);
  }

  /** Removes a subscription ({@code 0x00|0x01} + topic) that {@code pipe} holds. */
  void unsubscribe(Msg subscription, Pipe pipe) {
    invoke(MTRIE_RM, get(SUBSCRIPTIONS, xpub), subscription, pipe);
  }

  /** The subscriber pipes attached now. */
  @SuppressWarnings("unchecked")
  List<Pipe> pipes() {
    return (List<Pipe>) get(DIST_PIPES, get(DIST, xpub));
  }

  /**
   * The subscriber pipes the distributor skips now: each reached its high-water mark (a write
   * failed) and has not been read below it since. JeroMQ's distributor keeps the eligible pipes
   * first in its list; a message sent now is dropped, silently, for every one of these that matches
   * it. A view: read it at once, on the device thread.
   */
  List<Pipe> skippedPipes() {
    Object dist = get(DIST, xpub);
    @SuppressWarnings("unchecked")
    List<Pipe> all = (List<Pipe>) get(DIST_PIPES, dist);
    int eligible;
    try {
      eligible = DIST_ELIGIBLE.getInt(dist);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
    return eligible >= all.size() ? List.of() : all.subList(eligible, all.size());
  }

  /**
   * Writes one whole message to {@code pipe} alone, if it has room below its high-water mark;
   * returns false (nothing written) otherwise. Checks first, so a full pipe is never marked
   * inactive behind the distributor's back.
   */
  static boolean writeTo(Pipe pipe, byte[][] frames) {
    if (!(Boolean) get(PIPE_OUT_ACTIVE, pipe) || !pipe.checkHwm()) {
      return false;
    }
    for (int i = 0; i < frames.length; i++) {
      Msg m = new Msg(frames[i]);
      if (i < frames.length - 1) {
        m.setFlags(Msg.MORE);
      }
      if (!pipe.write(m)) {
        // Only when the pipe is terminating: drop what was written of this message.
        pipe.rollback();
        return false;
      }
    }
    pipe.flush();
    return true;
  }

  private static Object get(Field f, Object target) {
    try {
      return f.get(target);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object invoke(Method m, Object target, Object... args) {
    try {
      return m.invoke(target, args);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException(cause);
    }
  }
}
