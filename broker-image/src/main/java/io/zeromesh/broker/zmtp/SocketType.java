package io.zeromesh.broker.zmtp;

import java.util.EnumSet;
import java.util.Set;

/** The ZMTP socket types and which may talk to which (RFC 37, "Socket type compatibility"). */
public enum SocketType {
  PAIR,
  PUB,
  SUB,
  REQ,
  REP,
  DEALER,
  ROUTER,
  PULL,
  PUSH,
  XPUB,
  XSUB;

  /** The peer types this type accepts. */
  public Set<SocketType> peers() {
    return switch (this) {
      case PAIR -> EnumSet.of(PAIR);
      case PUB, XPUB -> EnumSet.of(SUB, XSUB);
      case SUB, XSUB -> EnumSet.of(PUB, XPUB);
      case REQ -> EnumSet.of(REP, ROUTER);
      case REP -> EnumSet.of(REQ, DEALER);
      case DEALER -> EnumSet.of(REP, DEALER, ROUTER);
      case ROUTER -> EnumSet.of(REQ, DEALER, ROUTER);
      case PULL -> EnumSet.of(PUSH);
      case PUSH -> EnumSet.of(PULL);
    };
  }

  public boolean accepts(SocketType peer) {
    return peers().contains(peer);
  }

  /** The type named by a READY's Socket-Type property, or null when there is no such type. */
  public static SocketType named(String name) {
    for (SocketType t : values()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return null;
  }
}
