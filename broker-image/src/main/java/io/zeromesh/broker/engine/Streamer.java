package io.zeromesh.broker.engine;

import io.zeromesh.broker.device.DeviceConfig;
import io.zeromesh.broker.device.DeviceMetrics;
import io.zeromesh.broker.device.DeviceMetrics.Side;
import io.zeromesh.broker.log.Log;
import io.zeromesh.broker.zmtp.FrameDecoder.MessageView;
import io.zeromesh.broker.zmtp.SocketType;

/**
 * PULL frontend, PUSH backend: each message from any pusher to the next worker with room (round
 * robin); when no worker has room the pusher's connection is held (nothing dropped). What one
 * decode pass gives a worker leaves as one write ({@link Outbox}): consecutive messages as one
 * slice of the input buffer, interleaved small ones copied together.
 */
final class Streamer extends DeviceCore {
  private final SideEndpoint front;
  private final SideEndpoint back;

  Streamer(DeviceConfig config, DeviceMetrics metrics, Log log) {
    super(config, metrics, log);
    back =
        new SideEndpoint(Side.BACKEND, SocketType.PUSH) {
          @Override
          public void joined(Peer p) {
            super.joined(p);
            roomAvailable();
          }

          @Override
          public boolean message(Peer p, MessageView m) {
            return true; // a PULL worker has nothing to say; discard
          }
        };
    front =
        new SideEndpoint(Side.FRONTEND, SocketType.PULL) {
          @Override
          public boolean message(Peer p, MessageView m) {
            if (paused) {
              return false;
            }
            Outbox to = back.peers.nextWithRoom();
            receivedOnce(p, m.payloadBytes, to != null);
            if (to == null) {
              return false;
            }
            to.add(m.buffer, m.start, m.end, m.payloadBytes);
            return true;
          }
        };
  }

  @Override
  SideEndpoint frontend() {
    return front;
  }

  @Override
  SideEndpoint backend() {
    return back;
  }
}
