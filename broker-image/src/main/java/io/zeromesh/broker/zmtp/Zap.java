package io.zeromesh.broker.zmtp;

import java.util.List;

/**
 * ZAP (RFC 27), as a call rather than a socket: a mechanism that has authenticated a peer's
 * credentials asks the {@link Handler} whether to let it in. The fields are those of a ZAP request;
 * a reply's status code is 200 (yes), 300 (try later), 400 (no) or 500 (broken request).
 */
public final class Zap {
  public static final String VERSION = "1.0";

  private Zap() {}

  /**
   * One ZAP request: the domain the socket set ("frontend", "backend"), the peer's IP address, the
   * identity from its metadata (may be empty), the mechanism and its credentials (CURVE: the
   * client's long-term public key, 32 bytes).
   */
  public record Request(
      String domain, String address, byte[] identity, String mechanism, List<byte[]> credentials) {}

  /** A ZAP reply: status code, text, and the user id when accepted. */
  public record Reply(String statusCode, String statusText, String userId) {
    public static Reply ok(String userId) {
      return new Reply("200", "OK", userId);
    }

    public static Reply denied(String text) {
      return new Reply("400", text, "");
    }

    public boolean accepted() {
      return "200".equals(statusCode);
    }
  }

  /** Decides on each request; called on the connection's thread, so it must be quick. */
  public interface Handler {
    Reply authenticate(Request request);
  }
}
