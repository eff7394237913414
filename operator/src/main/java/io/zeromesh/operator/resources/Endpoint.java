package io.zeromesh.operator.resources;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The endpoint syntax the broker daemon accepts: tcp://host:port. */
public final class Endpoint {
  private static final Pattern TCP =
      Pattern.compile(
          "^tcp://([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\]):(\\d{1,5})$");

  private Endpoint() {}

  /** Null when the endpoint is well formed, else why not. */
  public static String problem(String endpoint) {
    Matcher m = TCP.matcher(endpoint);
    if (!m.matches()) {
      return "must be tcp://host:port, got '" + endpoint + "'";
    }
    int port = Integer.parseInt(m.group(3));
    if (port < 1 || port > 65535) {
      return "port must be 1-65535, got " + port;
    }
    return null;
  }
}
