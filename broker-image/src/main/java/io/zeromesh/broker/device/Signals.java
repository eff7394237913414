package io.zeromesh.broker.device;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT start an ordered stop instead of the JVM's shutdown: with a plain shutdown
 * hook the process would end with status 143, not the 0 a clean stop deserves.
 */
@SuppressWarnings("restriction")
final class Signals {
  private Signals() {}

  static void onTermination(Runnable action) {
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), s -> action.run());
    }
  }
}
