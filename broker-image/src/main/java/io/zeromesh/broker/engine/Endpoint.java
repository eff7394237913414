package io.zeromesh.broker.engine;

import io.netty.buffer.ByteBuf;
import io.zeromesh.broker.device.DeviceMetrics.Side;
import io.zeromesh.broker.zmtp.FrameDecoder.MessageView;
import io.zeromesh.broker.zmtp.SocketType;
import io.zeromesh.broker.zmtp.ZmtpException;

/** One side of a device (a bound or connecting socket): what its connections report to. */
interface Endpoint {
  SocketType socketType();

  Side side();

  /** A connection completed its handshake. */
  void joined(Peer p);

  /** A peer's connection closed. */
  void left(Peer p);

  /**
   * A whole message from {@code p}; false holds it (the connection stops reading until resumed).
   */
  boolean message(Peer p, MessageView m);

  /**
   * A SUBSCRIBE ({@code on}) or CANCEL command from {@code p}; {@code prefix} valid for the call.
   */
  void subscription(Peer p, ByteBuf prefix, boolean on);

  /** A connection stopped reading because {@link #message} held a message. */
  void blocked(Connection c);

  /** A connection finished one decode pass (its buffer may move next): emit held-back runs. */
  void decoded();

  /** The end of one read batch of any connection: flush what it produced. */
  void readComplete();

  /** A connection closed for breaking the protocol or a limit (before or after its handshake). */
  void failed(ZmtpException.Kind kind);
}
