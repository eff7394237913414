package io.zeromesh.broker.zmtp;

/** A peer broke the protocol (or a limit): the connection is closed, nothing else is affected. */
public final class ZmtpException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why, for metrics: a frame above the size limit, or anything else. */
  public enum Kind {
    PROTOCOL,
    OVERSIZE,
    REFUSED
  }

  private final Kind kind;

  public ZmtpException(String message) {
    this(Kind.PROTOCOL, message);
  }

  public ZmtpException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
