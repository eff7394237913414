package io.zeromesh.broker.bench;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ.Socket;

/** The JeroMQ load generator: the same patterns as zmqbench.c, for machines without libzmq. */
final class JeromqLoad implements LoadGenerator {
  private static final int IDLE_MS = 2000;
  private final double maxSeconds;

  JeromqLoad(double maxSeconds) {
    this.maxSeconds = maxSeconds;
  }

  @Override
  public String name() {
    return "JeroMQ 0.6.0 (Java)";
  }

  @Override
  public Throughput throughput(String mode, String frontend, String backend, int size, long count)
      throws InterruptedException {
    boolean direct = mode.equals("direct");
    try (ZContext ctx = new ZContext(1)) {
      ctx.setLinger(0);
      SocketType[] types = types(mode);
      Socket out = ctx.createSocket(types[0]);
      if (types[0] == SocketType.XPUB) {
        out.setXpubNoDrop(true);
      }
      if (direct) {
        out.bind(frontend);
      } else {
        out.connect(frontend);
      }
      long[] result = new long[3]; // received, first, last (µs)
      long[] sentSoFar = {count, 0}; // what the receiver waits for; 1 once the sender is done
      CountDownLatch ready = new CountDownLatch(1);
      Thread receiver =
          new Thread(
              () -> {
                Socket in = ctx.createSocket(types[1]);
                if (types[1] == SocketType.SUB) {
                  in.subscribe(new byte[0]);
                }
                in.setReceiveTimeOut(IDLE_MS);
                in.connect(direct ? frontend : backend);
                ready.countDown();
                long waitedSince = System.nanoTime();
                while (result[0] < sentTarget(sentSoFar, count)) {
                  byte[] part = in.recv(0);
                  if (part == null) {
                    if (result[0] > 0
                        || System.nanoTime() - waitedSince > TimeUnit.SECONDS.toNanos(30)) {
                      break;
                    }
                    continue;
                  }
                  while (in.hasReceiveMore()) {
                    in.recv(0);
                  }
                  long now = System.nanoTime() / 1000;
                  if (result[0]++ == 0) {
                    result[1] = now;
                  }
                  result[2] = now;
                }
              },
              "bench-receiver");
      receiver.start();
      ready.await(30, TimeUnit.SECONDS);
      if (types[0] == SocketType.XPUB) {
        out.setReceiveTimeOut(30_000);
        if (out.recv(0) == null) {
          throw new IllegalStateException("no subscription reached the publisher in 30 s");
        }
      }
      byte[] body = new byte[size];
      Arrays.fill(body, (byte) 'x');
      long sent = 0;
      long stopAt = System.nanoTime() + (long) (maxSeconds * 1e9);
      for (long i = 0; i < count; i++) {
        if ((i & 1023) == 0 && System.nanoTime() > stopAt) {
          break; // bounded in time
        }
        if (mode.equals("queue")) {
          out.sendMore(new byte[0]);
        }
        out.send(body, 0);
        sent++;
      }
      synchronized (sentSoFar) {
        sentSoFar[0] = sent;
        sentSoFar[1] = 1;
      }
      receiver.join(TimeUnit.SECONDS.toMillis(120));
      return new Throughput(result[0], sent, result[2] - result[1]);
    }
  }

  @Override
  public Latency roundTrips(String mode, String frontend, String backend, int size, long count)
      throws InterruptedException {
    boolean direct = mode.equals("direct");
    try (ZContext ctx = new ZContext(1)) {
      ctx.setLinger(0);
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch ready = new CountDownLatch(1);
      Thread echo =
          new Thread(
              () -> {
                Socket rep = ctx.createSocket(SocketType.REP);
                rep.setReceiveTimeOut(200);
                if (direct) {
                  rep.bind(frontend);
                } else {
                  rep.connect(backend);
                }
                ready.countDown();
                while (!stop.get()) {
                  byte[] m = rep.recv(0);
                  if (m != null) {
                    rep.send(m, 0);
                  }
                }
              },
              "bench-echo");
      echo.start();
      ready.await(30, TimeUnit.SECONDS);
      Socket req = ctx.createSocket(SocketType.REQ);
      req.setReceiveTimeOut(10_000);
      req.connect(frontend);
      byte[] body = new byte[size];
      long[] rtt = new long[(int) count];
      int n = 0;
      double sum = 0;
      for (long i = 0; i < count; i++) {
        long t0 = System.nanoTime();
        req.send(body, 0);
        if (req.recv(0) == null) {
          break;
        }
        rtt[n] = (System.nanoTime() - t0) / 1000;
        sum += rtt[n++];
      }
      stop.set(true);
      echo.join(5000);
      long[] sorted = Arrays.copyOf(rtt, n);
      Arrays.sort(sorted);
      return new Latency(
          n,
          n == 0 ? 0 : sum / n,
          n == 0 ? 0 : sorted[n / 2],
          n == 0 ? 0 : sorted[(int) (n * 0.99)]);
    }
  }

  private static long sentTarget(long[] sentSoFar, long count) {
    synchronized (sentSoFar) {
      return sentSoFar[1] == 1 ? sentSoFar[0] : count;
    }
  }

  private static SocketType[] types(String mode) {
    return switch (mode) {
      case "queue" -> new SocketType[] {SocketType.DEALER, SocketType.DEALER};
      case "forwarder" -> new SocketType[] {SocketType.XPUB, SocketType.SUB};
      case "streamer", "direct" -> new SocketType[] {SocketType.PUSH, SocketType.PULL};
      default -> throw new IllegalArgumentException(mode);
    };
  }
}
