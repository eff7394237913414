package io.zeromesh.broker.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.zeromesh.broker.device.DeviceConfig;
import io.zeromesh.broker.device.DeviceMetrics;
import io.zeromesh.broker.device.DeviceMetrics.DropReason;
import io.zeromesh.broker.device.DeviceMetrics.Side;
import io.zeromesh.broker.log.Log;
import io.zeromesh.broker.zmtp.FrameDecoder.MessageView;
import io.zeromesh.broker.zmtp.Frames;
import io.zeromesh.broker.zmtp.SocketType;
import java.util.HashMap;
import java.util.Map;

/**
 * ROUTER frontend, DEALER backend. A request gets its client's routing id as a first frame and goes
 * to the next worker with room (held when none has); a reply's first frame names the client it goes
 * back to, without that frame. What one decode pass gives a peer leaves as one write ({@link
 * Outbox}: small messages copied together, the envelope in front of each request). A reply to a
 * client that is gone, or at its HWM, is dropped and counted (ROUTER_MANDATORY semantics).
 */
final class Queue extends DeviceCore {
  private final SideEndpoint front;
  private final SideEndpoint back;
  private final Map<ByteBuf, Outbox> clients = new HashMap<>();
  private int nextId = 0x2a000000;
  // The client of the last reply: consecutive replies to one client skip the map (and its slice).
  private ByteBuf lastId;
  private Outbox lastClient;

  // Clients with generated ids (0x00 then a counter) by the counter's low bits: a reply finds its
  // client with one int compare, without the map's slice and hash (replies to several clients
  // interleave, so the last-client shortcut misses).
  private static final int RECENT = 256;
  private final Outbox[] recent = new Outbox[RECENT];

  Queue(DeviceConfig config, DeviceMetrics metrics, Log log) {
    super(config, metrics, log);
    front =
        new SideEndpoint(Side.FRONTEND, SocketType.ROUTER) {
          @Override
          public void joined(Peer p) {
            p.routingId = routingId(p.identity);
            if (p.routingId.readableBytes() == 5 && p.routingId.getByte(0) == 0) {
              p.generatedId = p.routingId.getInt(1);
            }
            int idLen = p.routingId.readableBytes();
            // The request envelope, encoded once per client: a MORE frame holding the routing id.
            p.envelope = Unpooled.buffer(Frames.headerSize(idLen) + idLen);
            Frames.writeHeader(p.envelope, Frames.MORE, idLen);
            p.envelope.writeBytes(p.routingId, p.routingId.readerIndex(), idLen);
            super.joined(p);
            clients.put(p.routingId, peers.outbox(p));
          }

          @Override
          public void left(Peer p) {
            Outbox gone = peers.outbox(p);
            clients.remove(p.routingId, gone);
            int slot = p.generatedId & (RECENT - 1);
            if (recent[slot] == gone) {
              recent[slot] = null;
            }
            if (lastId == p.routingId) {
              lastId = null;
              lastClient = null;
            }
            super.left(p);
          }

          @Override
          public boolean message(Peer p, MessageView m) {
            if (paused) {
              return false;
            }
            ByteBuf id = p.routingId;
            int idLen = id.readableBytes();
            Outbox worker = back.peers.nextWithRoom();
            // As a ROUTER, the frontend receives each request with its routing id on top.
            receivedOnce(p, m.payloadBytes + idLen, worker != null);
            if (worker == null) {
              return false;
            }
            worker.addEnveloped(p.envelope, m.buffer, m.start, m.end, m.payloadBytes + idLen);
            return true;
          }
        };
    back =
        new SideEndpoint(Side.BACKEND, SocketType.DEALER) {
          @Override
          public void joined(Peer p) {
            super.joined(p);
            roomAvailable();
          }

          @Override
          public boolean message(Peer p, MessageView m) {
            if (paused) {
              return false;
            }
            received(Side.BACKEND, m.payloadBytes);
            if (m.frames < 2) {
              dropped(Side.FRONTEND, DropReason.REFUSED, 1); // no envelope: nobody to send it to
              return true;
            }
            Outbox client = client(m);
            if (client == null) {
              dropped(Side.FRONTEND, DropReason.REFUSED, 1);
            } else if (client.full()) {
              dropped(Side.FRONTEND, DropReason.HWM, 1);
            } else {
              client.add(m.buffer, m.secondFrameStart(), m.end, m.payloadBytes - m.firstBodyLength);
            }
            return true;
          }
        };
  }

  /** The client a reply's first frame names, or null. */
  private Outbox client(MessageView m) {
    if (m.firstBodyLength == 5 && m.buffer.getByte(m.firstBodyStart) == 0) {
      int g = m.buffer.getInt(m.firstBodyStart + 1);
      int slot = g & (RECENT - 1);
      Outbox c = recent[slot];
      if (c != null && c.peer.generatedId == g) {
        return c;
      }
      c = clients.get(m.buffer.slice(m.firstBodyStart, m.firstBodyLength));
      if (c != null) {
        recent[slot] = c; // only generated ids start with 0x00, so c's is g
      }
      return c;
    }
    ByteBuf last = lastId;
    if (last != null
        && last.readableBytes() == m.firstBodyLength
        && ByteBufUtil.equals(
            last, last.readerIndex(), m.buffer, m.firstBodyStart, m.firstBodyLength)) {
      return lastClient;
    }
    Outbox c = clients.get(m.buffer.slice(m.firstBodyStart, m.firstBodyLength));
    if (c != null) {
      lastId = c.peer.routingId;
      lastClient = c;
    }
    return c;
  }

  /**
   * The peer's Identity when it set one that is free (and not starting with a zero byte, which
   * libzmq reserves for generated ids), else a generated 5-byte id: 0x00 then a counter.
   */
  private ByteBuf routingId(byte[] identity) {
    if (identity != null && identity.length > 0 && identity[0] != 0) {
      ByteBuf id = Unpooled.wrappedBuffer(identity);
      if (!clients.containsKey(id)) {
        return id;
      }
    }
    ByteBuf id;
    do {
      id = Unpooled.buffer(5).writeByte(0).writeInt(nextId++);
    } while (clients.containsKey(id));
    return id;
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
