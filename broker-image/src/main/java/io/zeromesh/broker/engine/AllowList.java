package io.zeromesh.broker.engine;

import io.zeromesh.broker.device.DeviceConfig;
import io.zeromesh.broker.log.Log;
import io.zeromesh.broker.zmtp.Z85;
import io.zeromesh.broker.zmtp.Zap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The ZAP handler of a CURVE device with {@code --curve-allowed-clients-dir}: a client is let in
 * only if its public key is listed in a regular file of that directory (Z85, one per line). The
 * directory is read again when a handshake comes and the last read is older than {@link
 * #RELOAD_INTERVAL_MS}, so an updated Kubernetes Secret takes effect without a restart; when it
 * cannot be read, the last list read stays. Refusals are logged here ({@code event=client_refused})
 * and counted by the device ({@code reason="refused"} on the side the client came to).
 */
final class AllowList implements Zap.Handler {
  static final long RELOAD_INTERVAL_MS = 1000;

  private final Path dir;
  private final Log log;
  private final LongSupplier clock;
  private Set<String> allowed = Set.of();
  private long loadedAtNanos;
  private boolean loaded;

  AllowList(Path dir, Log log) {
    this(dir, log, System::nanoTime);
  }

  AllowList(Path dir, Log log, LongSupplier nanoClock) {
    this.dir = dir;
    this.log = log;
    this.clock = nanoClock;
    reloadIfDue();
  }

  @Override
  public synchronized Zap.Reply authenticate(Zap.Request r) {
    if (!"CURVE".equals(r.mechanism())
        || r.credentials().size() != 1
        || r.credentials().get(0).length != 32) {
      return Zap.Reply.denied("CURVE required");
    }
    reloadIfDue();
    String key = Z85.encode(r.credentials().get(0));
    if (allowed.contains(key)) {
      return Zap.Reply.ok(key);
    }
    log.warn("client_refused", "domain", r.domain(), "address", r.address(), "client_key", key);
    return Zap.Reply.denied("client key not allowed");
  }

  private void reloadIfDue() {
    long now = clock.getAsLong();
    if (loaded && now - loadedAtNanos < RELOAD_INTERVAL_MS * 1_000_000) {
      return;
    }
    loadedAtNanos = now;
    try {
      Set<String> keys = read(dir);
      if (!loaded || !keys.equals(allowed)) {
        log.info("allow_list_loaded", "dir", dir, "keys", keys.size());
      }
      allowed = keys;
      loaded = true;
    } catch (IOException e) {
      // Keep the last good list: a Secret being swapped may be briefly unreadable.
      log.warn("allow_list_unreadable", "dir", dir, "error", e.toString());
    }
  }

  /** Every Z85 key (40 characters, one per line) of every regular file in {@code dir}. */
  static Set<String> read(Path dir) throws IOException {
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
}
