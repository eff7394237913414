package io.zeromesh.e2e.support;

import java.time.Duration;
import java.util.List;

/** The probe Jobs the cases start again and again, built in one place. */
public final class ProbeJobs {
  /** Lazy-pirate retries of a client: enough to ride out any restart a case allows. */
  public static final int CLIENT_RETRIES = 30;

  private ProbeJobs() {}

  /**
   * A lazy-pirate request client: {@code requests} at {@code rate}/s, each resent on a fresh socket
   * after {@code requestTimeout} without a reply (up to {@link #CLIENT_RETRIES} times), expecting
   * every reply.
   */
  public static Probe client(
      String name,
      String endpoint,
      int requests,
      int rate,
      Duration requestTimeout,
      int timeoutSeconds) {
    return Probe.job(name, "req")
        .endpoint(endpoint)
        .flag("count", Integer.toString(requests))
        .flag("rate", Integer.toString(rate))
        .flag("retries", Integer.toString(CLIENT_RETRIES))
        .flag("request-timeout-ms", Long.toString(requestTimeout.toMillis()))
        .flag("expect", Integer.toString(requests))
        .timeoutSeconds(timeoutSeconds);
  }

  /** A publisher of {@code count} messages on {@code topic} at {@code rate}/s, to each endpoint. */
  public static Probe publisher(
      String name, List<String> endpoints, String topic, int count, int rate, int timeoutSeconds) {
    return Probe.job(name, "pub")
        .endpoint(String.join(",", endpoints))
        .flag("topic", topic)
        .flag("count", Integer.toString(count))
        .flag("rate", Integer.toString(rate))
        .timeoutSeconds(timeoutSeconds);
  }

  /**
   * A subscriber to {@code prefix} that listens until its timeout (no {@code --count} or {@code
   * --expect}), so a surplus or a duplicate would show.
   */
  public static Probe subscriber(String name, String endpoint, String prefix, int timeoutSeconds) {
    return Probe.job(name, "sub")
        .endpoint(endpoint)
        .flag("topic", prefix)
        .timeoutSeconds(timeoutSeconds);
  }
}
