package io.zeromesh.broker.engine;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Netty's native epoll transport when it loads (Linux), else NIO; {@code -Dzeromesh.transport=nio}
 * forces NIO.
 */
record Transport(
    String name,
    IoHandlerFactory handlers,
    Class<? extends ServerChannel> serverChannel,
    Class<? extends SocketChannel> clientChannel) {
  static Transport best() {
    boolean nio = "nio".equals(System.getProperty("zeromesh.transport"));
    if (!nio && Epoll.isAvailable()) {
      return new Transport(
          "epoll",
          EpollIoHandler.newFactory(),
          EpollServerSocketChannel.class,
          EpollSocketChannel.class);
    }
    return new Transport(
        "nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
  }

  EventLoopGroup group(int threads, String name) {
    return new MultiThreadIoEventLoopGroup(
        threads, new io.netty.util.concurrent.DefaultThreadFactory(name, true), handlers);
  }
}
