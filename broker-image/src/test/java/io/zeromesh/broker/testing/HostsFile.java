package io.zeromesh.broker.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A hosts file for {@code -Djdk.net.hosts.file}: a test's DNS, a name moved by rewriting it. */
public final class HostsFile {
  private HostsFile() {}

  /** Atomically makes {@code hosts} say that {@code name} is {@code at}. */
  public static void write(Path hosts, String name, InetAddress at) {
    try {
      Path tmp = hosts.resolveSibling("hosts.tmp");
      Files.writeString(
          tmp,
          "127.0.0.1 localhost\n" + at.getHostAddress() + " " + name + "\n",
          StandardCharsets.US_ASCII);
      Files.move(tmp, hosts, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
