package io.zeromesh.broker.admin;

import io.zeromesh.broker.device.DeviceMetrics;

/** What the admin server serves: a running device. */
public interface AdminTarget {
  boolean isAlive();

  boolean isReady();

  DeviceMetrics metrics();

  boolean pause();

  boolean resume();
}
