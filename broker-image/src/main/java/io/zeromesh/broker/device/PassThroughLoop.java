package io.zeromesh.broker.device;

import io.zeromesh.broker.device.DeviceMetrics.DropReason;
import io.zeromesh.broker.device.DeviceMetrics.Side;
import io.zeromesh.broker.log.Log;
import java.util.ArrayList;
import java.util.List;
import zmq.Msg;
import zmq.SocketBase;
import zmq.ZError;
import zmq.ZMQ;
import zmq.poll.PollItem;

/**
 * The queue (ROUTER frontend, DEALER backend; both directions) and the streamer (PULL frontend,
 * PUSH backend; one direction).
 *
 * <p>Towards the backend the device applies back-pressure: when no worker can take a message (every
 * worker pipe at its high-water mark) the message is held and the frontend is not read until the
 * backend can take it again, so senders queue at their own high-water mark, as with zmq_proxy.
 * Nothing is dropped on that path. Replies towards a ROUTER frontend are sent with
 * ROUTER_MANDATORY: a reply for a client whose pipe is full is dropped and counted as {@code hwm},
 * one for a client that is gone as {@code refused}.
 */
final class PassThroughLoop extends DeviceLoop {
  private final SocketBase frontend;
  private final SocketBase backend;
  private final boolean replies;
  private final PollItem frontendIn;
  private final PollItem backendIn;
  private final PollItem backendOut;
  private final PollItem backendInOut;
  private final List<Msg> frames = new ArrayList<>();

  /** A request the backend could not take yet; sent before anything else is read. */
  private final List<Msg> held = new ArrayList<>();

  PassThroughLoop(
      SocketBase frontend,
      SocketBase backend,
      boolean replies,
      SocketBase control,
      DeviceMetrics metrics,
      Log log) {
    super(control, metrics, log);
    this.frontend = frontend;
    this.backend = backend;
    this.replies = replies;
    this.frontendIn = new PollItem(frontend, ZMQ.ZMQ_POLLIN);
    this.backendIn = new PollItem(backend, ZMQ.ZMQ_POLLIN);
    this.backendOut = new PollItem(backend, ZMQ.ZMQ_POLLOUT);
    this.backendInOut = new PollItem(backend, ZMQ.ZMQ_POLLIN | ZMQ.ZMQ_POLLOUT);
  }

  @Override
  int pump() {
    int moved = forwardRequests();
    if (replies) {
      moved += forwardReplies();
    }
    return moved;
  }

  @Override
  void pollItems(List<PollItem> into) {
    // One item per socket: JeroMQ keys poll registrations by the socket's channel, so a second
    // item for the backend would replace the first and its wake-up would be lost.
    if (held.isEmpty()) {
      into.add(frontendIn);
      if (replies) {
        into.add(backendIn);
      }
    } else {
      into.add(replies ? backendInOut : backendOut);
    }
  }

  private int forwardRequests() {
    long outMessages = 0;
    long outBytes = 0;
    if (!held.isEmpty()) {
      if (!sendMessage(backend, held)) {
        return 0;
      }
      outMessages++;
      outBytes += bytes(held);
      held.clear();
    }
    long inMessages = 0;
    long inBytes = 0;
    while (inMessages < BATCH) {
      long size = recvMessage(frontend, frames);
      if (size < 0) {
        break;
      }
      inMessages++;
      inBytes += size;
      if (sendMessage(backend, frames)) {
        outMessages++;
        outBytes += size;
      } else {
        held.addAll(frames);
        break;
      }
    }
    if (inMessages > 0) {
      metrics.received(Side.FRONTEND, inMessages, inBytes);
    }
    if (outMessages > 0) {
      metrics.sent(Side.BACKEND, outMessages, outBytes);
    }
    return (int) Math.max(inMessages, outMessages);
  }

  private int forwardReplies() {
    long inMessages = 0;
    long inBytes = 0;
    long outMessages = 0;
    long outBytes = 0;
    long full = 0;
    long gone = 0;
    while (inMessages < BATCH) {
      long size = recvMessage(backend, frames);
      if (size < 0) {
        break;
      }
      inMessages++;
      inBytes += size;
      if (sendMessage(frontend, frames)) {
        outMessages++;
        outBytes += size;
      } else if (lastSendErrno == ZError.EAGAIN) {
        full++;
      } else {
        gone++;
      }
    }
    if (inMessages > 0) {
      metrics.received(Side.BACKEND, inMessages, inBytes);
      if (outMessages > 0) {
        metrics.sent(Side.FRONTEND, outMessages, outBytes);
      }
      if (full > 0) {
        metrics.dropped(Side.FRONTEND, DropReason.HWM, full);
      }
      if (gone > 0) {
        metrics.dropped(Side.FRONTEND, DropReason.REFUSED, gone);
      }
    }
    return (int) inMessages;
  }

  private static long bytes(List<Msg> msg) {
    long n = 0;
    for (Msg m : msg) {
      n += m.size();
    }
    return n;
  }
}
