package io.zeromesh.broker.zmtp;

/** The NULL mechanism (RFC 23): each side sends READY with its metadata, no security. */
public final class NullMechanism implements Mechanism {
  public static final String NAME = "NULL";

  private final Metadata ours;
  private final boolean asServer;

  public NullMechanism(Metadata ours, boolean asServer) {
    this.ours = ours;
    this.asServer = asServer;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean asServer() {
    return asServer;
  }

  @Override
  public void start(Output out) {
    out.send(Frames.ready(out.alloc(), ours));
  }

  @Override
  public Metadata command(Command c, Output out) throws ZmtpException {
    if (c.is(Command.READY)) {
      return Metadata.read(c.data());
    }
    if (c.is(Command.ERROR)) {
      throw new ZmtpException("peer sent ERROR: " + Mechanism.errorReason(c));
    }
    throw new ZmtpException("unexpected " + c.name() + " in the NULL handshake");
  }
}
