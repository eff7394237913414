package io.zeromesh.broker.engine;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.zeromesh.broker.zmtp.CurveCodec;
import io.zeromesh.broker.zmtp.Frames;

/**
 * The outbound half of a CURVE connection's data phase, in its channel pipeline once the handshake
 * completed: what the devices write (whole ZMTP frames, as on a NULL connection: slices, runs,
 * envelopes, commands) leaves as one MESSAGE per frame, in the order written. Empty buffers (the
 * flush markers {@link Peer} counts its queue with) pass as they are. A write that ends inside a
 * frame keeps that part until the rest comes.
 */
final class CurveEncoder extends ChannelOutboundHandlerAdapter {
  private final CurveCodec codec;
  private ByteBuf partial;

  CurveEncoder(CurveCodec codec) {
    this.codec = codec;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf in) || (!in.isReadable() && partial == null)) {
      ctx.write(msg, promise);
      return;
    }
    ByteBuf src = in;
    if (partial != null) {
      src = ctx.alloc().buffer(partial.readableBytes() + in.readableBytes());
      src.writeBytes(partial).writeBytes(in);
      partial.release();
      partial = null;
      in.release();
    }
    try {
      // Sizes first, so each write becomes one buffer.
      int total = 0;
      int pos = src.readerIndex();
      int end = src.writerIndex();
      int complete = pos;
      while (end - pos >= 2) {
        int flags = src.getUnsignedByte(pos);
        int header = (flags & Frames.LONG) != 0 ? 9 : 2;
        if (end - pos < header) {
          break;
        }
        long size = header == 9 ? src.getLong(pos + 1) : src.getUnsignedByte(pos + 1);
        if (size < 0 || end - pos - header < size) {
          break;
        }
        total += CurveCodec.encryptedFrameSize((int) size);
        pos += header + (int) size;
        complete = pos;
      }
      if (complete < end) {
        partial = src.copy(complete, end - complete);
      }
      if (total == 0) {
        ctx.write(io.netty.buffer.Unpooled.EMPTY_BUFFER, promise);
        return;
      }
      ByteBuf out = ctx.alloc().buffer(total);
      pos = src.readerIndex();
      while (pos < complete) {
        int flags = src.getUnsignedByte(pos);
        int header = (flags & Frames.LONG) != 0 ? 9 : 2;
        int size = (int) (header == 9 ? src.getLong(pos + 1) : src.getUnsignedByte(pos + 1));
        codec.encrypt(flags, src, pos + header, size, out);
        pos += header + size;
      }
      ctx.write(out, promise);
    } finally {
      src.release();
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (partial != null) {
      partial.release();
      partial = null;
    }
  }
}
