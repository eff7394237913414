package io.zeromesh.broker.admin;

import io.zeromesh.broker.device.Device;
import io.zeromesh.broker.device.DeviceMetrics;

/** What the admin server serves: a running device of either engine. */
public interface AdminTarget {
  boolean isAlive();

  boolean isReady();

  DeviceMetrics metrics();

  boolean pause();

  boolean resume();

  /** The JeroMQ engine's device. */
  static AdminTarget of(Device d) {
    return new AdminTarget() {
      @Override
      public boolean isAlive() {
        return d.isAlive();
      }

      @Override
      public boolean isReady() {
        return d.isReady();
      }

      @Override
      public DeviceMetrics metrics() {
        return d.metrics();
      }

      @Override
      public boolean pause() {
        return d.pause();
      }

      @Override
      public boolean resume() {
        return d.resume();
      }
    };
  }
}
