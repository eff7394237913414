package io.zeromesh.broker.engine;

import io.zeromesh.broker.device.DeviceConfig;

/** Per-connection protocol settings, from the device configuration. */
record ConnectionSettings(
    int sndhwm,
    long maxMsgSize,
    int heartbeatIvlMs,
    int heartbeatTimeoutMs,
    int heartbeatTtlMs,
    long handshakeMs) {
  /** libzmq's ZMQ_HANDSHAKE_IVL default: a connection not READY within it is closed. */
  static final long HANDSHAKE_MS = 30_000;

  static ConnectionSettings of(DeviceConfig c) {
    return new ConnectionSettings(
        c.sndhwm,
        c.maxMsgSize,
        c.heartbeatIvlMs,
        c.heartbeatTimeoutMs > 0 ? c.heartbeatTimeoutMs : c.heartbeatIvlMs,
        c.heartbeatTtlMs,
        HANDSHAKE_MS);
  }
}
