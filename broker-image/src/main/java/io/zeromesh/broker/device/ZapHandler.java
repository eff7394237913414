package io.zeromesh.broker.device;

import io.zeromesh.broker.device.DeviceMetrics.DropReason;
import io.zeromesh.broker.device.DeviceMetrics.Side;
import io.zeromesh.broker.log.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * The ZAP handler (RFC 27) of a CURVE device with an allow-list: accepts a client only if its
 * public key is listed in a file of the allow-list directory. The directory is read again when a
 * handshake comes and the last read is older than {@link #RELOAD_INTERVAL_MS}, so an updated
 * Kubernetes Secret takes effect without a restart.
 */
final class ZapHandler implements Runnable {
  static final String ENDPOINT = "inproc://zeromq.zap.01";
  static final long RELOAD_INTERVAL_MS = 1000;

  private final ZMQ.Socket socket;
  private final Path allowedDir;
  private final Log log;
  private final DeviceMetrics metrics;
  private volatile boolean stopping;
  private Set<String> allowed = Set.of();
  private long loadedAtNanos;
  private boolean loaded;

  /** Binds the ZAP endpoint on the calling thread; it must be bound before the device binds. */
  ZapHandler(ZMQ.Context context, Path allowedDir, DeviceMetrics metrics, Log log) {
    this.allowedDir = allowedDir;
    this.metrics = metrics;
    this.log = log;
    this.socket = context.socket(SocketType.REP);
    socket.setLinger(0);
    socket.bind(ENDPOINT);
    reloadIfDue();
  }

  /** Releases the socket when the device failed to start before this thread ran. */
  void closeUnstarted() {
    socket.close();
  }

  void stop() {
    stopping = true;
  }

  @Override
  public void run() {
    try {
      socket.setReceiveTimeOut(100);
      while (!stopping) {
        byte[] version = socket.recv(0);
        if (version == null) {
          continue;
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(version);
        while (socket.hasReceiveMore()) {
          frames.add(socket.recv(0));
        }
        answer(frames);
      }
    } catch (RuntimeException e) {
      if (!stopping) {
        log.error("zap_failed", "error", e.toString());
      }
    } finally {
      socket.close();
    }
  }

  private void answer(List<byte[]> frames) {
    byte[] requestId = frames.size() > 1 ? frames.get(1) : new byte[0];
    String status;
    String text;
    String user = "";
    if (frames.size() < 7 || !"1.0".equals(ascii(frames.get(0)))) {
      status = "500";
      text = "malformed ZAP request";
    } else if (!"CURVE".equals(ascii(frames.get(5))) || frames.get(6).length != 32) {
      status = "400";
      text = "CURVE required";
    } else {
      reloadIfDue();
      String key = ZMQ.Curve.z85Encode(frames.get(6));
      if (allowed.contains(key)) {
        status = "200";
        text = "OK";
        user = key;
      } else {
        status = "400";
        text = "client key not allowed";
        String domain = ascii(frames.get(2));
        metrics.dropped(
            "backend".equals(domain) ? Side.BACKEND : Side.FRONTEND, DropReason.REFUSED, 1);
        log.warn(
            "client_refused",
            "domain",
            ascii(frames.get(2)),
            "address",
            ascii(frames.get(3)),
            "client_key",
            key);
      }
    }
    socket.sendMore("1.0");
    socket.sendMore(requestId);
    socket.sendMore(status);
    socket.sendMore(text);
    socket.sendMore(user);
    socket.send(new byte[0], 0);
  }

  private void reloadIfDue() {
    long now = System.nanoTime();
    if (loaded && now - loadedAtNanos < RELOAD_INTERVAL_MS * 1_000_000) {
      return;
    }
    loadedAtNanos = now;
    try {
      Set<String> keys = readAllowList(allowedDir);
      if (!loaded || !keys.equals(allowed)) {
        log.info("allow_list_loaded", "dir", allowedDir, "keys", keys.size());
      }
      allowed = keys;
      loaded = true;
    } catch (IOException e) {
      // Keep the last good list: a Secret being swapped may be briefly unreadable.
      log.warn("allow_list_unreadable", "dir", allowedDir, "error", e.toString());
    }
  }

  /** Every Z85 key (40 characters, one per line) of every regular file in {@code dir}. */
  static Set<String> readAllowList(Path dir) throws IOException {
    Set<String> keys = new HashSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        if (!Files.isRegularFile(f)) {
          continue;
        }
        for (String line : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
          String key = line.trim();
          if (DeviceConfig.isZ85Key(key)) {
            keys.add(key);
          }
        }
      }
    }
    return keys;
  }

  private static String ascii(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }
}
