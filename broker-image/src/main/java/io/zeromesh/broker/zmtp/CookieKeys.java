package io.zeromesh.broker.zmtp;

import java.util.function.LongSupplier;

/**
 * The server's "minute key" for CURVE cookies (RFC 26, WELCOME): one secret key seals every cookie
 * it hands out, and is replaced every {@link #ROTATE_NANOS}. A cookie opens with the current key or
 * the one before, so a cookie is good for one to two minutes and no longer, and a key is forgotten
 * two minutes after it was made. One instance serves a device's connections (it is thread-safe,
 * though the engine uses it from its one event-loop thread).
 */
public final class CookieKeys {
  static final long ROTATE_NANOS = 60_000_000_000L;

  private final LongSupplier clock;
  private byte[] current;
  private byte[] previous;
  private long madeAt;

  public CookieKeys() {
    this(System::nanoTime);
  }

  /** With a clock of our own, for tests. */
  public CookieKeys(LongSupplier nanoClock) {
    this.clock = nanoClock;
    this.current = Curve.random(Curve.KEY);
    this.madeAt = nanoClock.getAsLong();
  }

  /** The key to seal a new cookie with. */
  public synchronized byte[] current() {
    rotateIfDue();
    return current;
  }

  /** The keys a cookie may have been sealed with: the current one, then the previous (or none). */
  public synchronized byte[][] valid() {
    rotateIfDue();
    return previous == null ? new byte[][] {current} : new byte[][] {current, previous};
  }

  private void rotateIfDue() {
    long now = clock.getAsLong();
    long age = now - madeAt;
    if (age < ROTATE_NANOS) {
      return;
    }
    // Two periods or more without a handshake: the old key is stale as well.
    previous = age < 2 * ROTATE_NANOS ? current : null;
    current = Curve.random(Curve.KEY);
    madeAt = now;
  }
}
