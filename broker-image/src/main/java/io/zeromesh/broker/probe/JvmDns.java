package io.zeromesh.broker.probe;

import java.security.Security;

/**
 * The JVM's cache of name lookups, kept short in the probe: a StatefulSet replica that is replaced
 * comes back under the same name with another pod IP, and the JVM caches a lookup for 30 s (a
 * failed one for 10 s) unless told otherwise. Read once, at the JVM's first lookup, so {@link
 * #shortTtl} runs before anything resolves. The broker image also passes {@code
 * -Dsun.net.inetaddr.ttl=5} to every JVM it starts (broker-image/pom.xml).
 */
final class JvmDns {
  static final String POSITIVE_TTL_S = "5";
  static final String NEGATIVE_TTL_S = "1";

  private JvmDns() {}

  /** Short caches, unless the JVM was given its own (system or security properties). */
  static void shortTtl() {
    if (Security.getProperty("networkaddress.cache.ttl") == null
        && System.getProperty("sun.net.inetaddr.ttl") == null) {
      Security.setProperty("networkaddress.cache.ttl", POSITIVE_TTL_S);
    }
    // The JDK's java.security sets the negative one (10), so a system property alone cannot.
    if (System.getProperty("sun.net.inetaddr.negative.ttl") == null) {
      Security.setProperty("networkaddress.cache.negative.ttl", NEGATIVE_TTL_S);
    }
  }
}
