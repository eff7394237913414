package io.zeromesh.broker.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.broker.testing.Blackhole;
import io.zeromesh.broker.testing.DaemonProcess;
import io.zeromesh.broker.testing.HostsFile;
import io.zeromesh.broker.testing.Ports;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The ZMTP engine's upstream link follows an upstream whose name moves to another address while a
 * connect to the old one is pending (a replaced pod's old IP): the connect times out and the next
 * one resolves the name again. The forwarder runs as a process whose JVM resolves names from a
 * hosts file the test rewrites ({@code jdk.net.hosts.file}) with the image's 5 s cache; the old
 * address is a loopback listener whose accept queue the test filled, so SYNs to it are dropped.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class UpstreamLinkTest {
  private static final String NAME = "upstream-0.zeromesh.test";

  @Test
  void aPendingConnectToAnAddressTheNameLeftIsGivenUpAndTheNewAddressReached(@TempDir Path dir)
      throws Exception {
    InetAddress old = InetAddress.getByName("127.0.0.2");
    InetAddress now = InetAddress.getByName("127.0.0.3");
    int port = Ports.free();
    Path hosts = dir.resolve("hosts");
    HostsFile.write(hosts, NAME, old);
    try (Blackhole full = new Blackhole(old, port);
        ZContext ctx = new ZContext(1)) {
      ZMQ.Socket upstream = ctx.createSocket(SocketType.XPUB);
      upstream.setReceiveTimeOut(100);
      upstream.bind("tcp://" + now.getHostAddress() + ":" + port);
      try (DaemonProcess forwarder =
          DaemonProcess.start(
              "forwarder",
              List.of("--upstream=tcp://" + NAME + ":" + port + "|news"),
              Map.of(
                  "JAVA_TOOL_OPTIONS",
                  "-Djdk.net.hosts.file=" + hosts + " -Dsun.net.inetaddr.ttl=5"))) {
        // Its first connect went to the old address (the name said so) and is pending there.
        Thread.sleep(1000);
        HostsFile.write(hosts, NAME, now);
        long moved = System.nanoTime();
        // The JVM's cache (5 s) + one connect timeout + the retry interval + slack; without a
        // connect timeout the kernel's SYN retries (about 127 s).
        byte[] subscription = null;
        long until = moved + TimeUnit.SECONDS.toNanos(20);
        while (subscription == null && System.nanoTime() - until < 0) {
          subscription = upstream.recv(0);
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - moved);
        byte[] got = subscription;
        assertTrue(
            got != null
                && got[0] == 1
                && new String(got, 1, got.length - 1, StandardCharsets.UTF_8).equals("news"),
            () -> "no subscription at the new address within 20 s of the move");
        System.err.println("upstream link at the new address " + tookMs + " ms after the move");
      }
    }
  }
}
