package io.zeromesh.broker.engine;

import io.netty.buffer.ByteBuf;
import io.zeromesh.broker.device.DeviceConfig;
import io.zeromesh.broker.device.DeviceMetrics;
import io.zeromesh.broker.device.DeviceMetrics.Side;
import io.zeromesh.broker.log.Log;
import io.zeromesh.broker.zmtp.FrameDecoder.MessageView;
import io.zeromesh.broker.zmtp.SocketType;

/**
 * PULL frontend, PUSH backend: each message from any pusher to the next worker with room (round
 * robin); when no worker has room the pusher's connection is held (nothing dropped). Consecutive
 * messages of one read that go to the same worker leave as one slice of the input buffer.
 */
final class Streamer extends DeviceCore {
  private final SideEndpoint front;
  private final SideEndpoint back;
  // The run of messages not yet written: bytes [runStart, runEnd) of runBuffer, to runPeer.
  private Peer runPeer;
  private ByteBuf runBuffer;
  private int runStart;
  private int runEnd;
  private int runMessages;
  private long runBytes;

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
            Peer to = back.peers.nextWithRoom();
            receivedOnce(p, m.payloadBytes, to != null);
            if (to == null) {
              return false;
            }
            if (to == runPeer && m.buffer == runBuffer && m.start == runEnd) {
              runEnd = m.end;
              runMessages++;
              runBytes += m.payloadBytes;
              if (to.queued() + runMessages >= config.sndhwm && config.sndhwm > 0) {
                emitRun(); // let the HWM see this run before the next message is placed
              }
              return true;
            }
            emitRun();
            runPeer = to;
            runBuffer = m.buffer;
            runStart = m.start;
            runEnd = m.end;
            runMessages = 1;
            runBytes = m.payloadBytes;
            if (config.sndhwm > 0 && to.queued() + 1 >= config.sndhwm) {
              emitRun();
            }
            return true;
          }

          @Override
          public void decoded() {
            emitRun();
          }
        };
  }

  private void emitRun() {
    if (runPeer != null) {
      runPeer.write(runBuffer.retainedSlice(runStart, runEnd - runStart), runMessages, runBytes);
      runPeer = null;
      runBuffer = null;
    }
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
