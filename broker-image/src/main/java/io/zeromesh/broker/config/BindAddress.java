package io.zeromesh.broker.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Checks an interface address to bind before anything is bound: {@code *} (where allowed), an IPv4
 * literal (four numbers 0-255), an IPv6 literal (with or without brackets), or a host name of RFC
 * 1123 syntax that resolves. Only a name of valid syntax is looked up, and only once.
 */
public final class BindAddress {
  private static final Pattern IPV4_LIKE = Pattern.compile("[0-9.]+");
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}"
              + "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final Pattern LABEL =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

  private BindAddress() {}

  /**
   * Returns {@code raw} trimmed when it is an address to bind; else throws IllegalArgumentException
   * with what was expected (a {@link Flag} turns it into the flag's message).
   */
  public static String check(String raw, boolean starAllowed) {
    String v = raw.trim();
    String expected =
        (starAllowed ? "*, " : "") + "an IPv4 or IPv6 address or a host name of this machine";
    if (v.isEmpty()) {
      throw new IllegalArgumentException(expected);
    }
    if (v.equals("*")) {
      if (!starAllowed) {
        throw new IllegalArgumentException(expected);
      }
      return v;
    }
    if (IPV4_LIKE.matcher(v).matches()) {
      if (!IPV4.matcher(v).matches()) {
        throw new IllegalArgumentException(expected + " (not a valid IPv4 address)");
      }
      return v;
    }
    String unbracketed = v.startsWith("[") && v.endsWith("]") ? v.substring(1, v.length() - 1) : v;
    if (IPV6.matcher(unbracketed).matches()) {
      try {
        // A literal with a colon is parsed, never looked up.
        InetAddress.getByName("[" + unbracketed + "]");
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(expected + " (not a valid IPv6 address)");
      }
      return "[" + unbracketed + "]";
    }
    if (!isHostName(v)) {
      throw new IllegalArgumentException(expected);
    }
    try {
      InetAddress.getByName(v);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(expected + " (" + v + " does not resolve)");
    }
    return v;
  }

  static boolean isHostName(String v) {
    if (v.length() > 253) {
      return false;
    }
    String name = v.endsWith(".") ? v.substring(0, v.length() - 1) : v;
    if (name.isEmpty()) {
      return false;
    }
    for (String label : name.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }
}
