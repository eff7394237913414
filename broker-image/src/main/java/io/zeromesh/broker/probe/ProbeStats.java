package io.zeromesh.broker.probe;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a probe run observed, and its one-line JSON summary. Not thread-safe: one probe thread
 * records; the summary is read after it stopped.
 */
public final class ProbeStats {
  private final String mode;
  private final String identity;
  private final long startNanos = System.nanoTime();
  private final LatencyHistogram latency = new LatencyHistogram();
  private final Map<String, Long> peers = new TreeMap<>();

  /** Per sender stream: the sequence numbers seen, each once. */
  private final Map<Long, Stream> streams = new HashMap<>();

  private long sent;
  private long received;
  private long lostRequests;
  private long resent;
  private long reconnects;
  private long firstNanos = -1;
  private long lastNanos = -1;
  private long endNanos = -1;

  public ProbeStats(String mode, String identity) {
    this.mode = mode;
    this.identity = identity;
  }

  /** A message went out; {@code counts} when it marks progress for the rate (senders). */
  public void sent(boolean counts) {
    sent++;
    if (counts) {
      tick();
    }
  }

  /** A retry of a request already counted as sent. */
  public void resent() {
    resent++;
  }

  /** Endpoints connected again by {@link ProbeLinks} (a new address, or a connect timed out). */
  public void reconnected(long n) {
    reconnects += n;
  }

  /** A request given up after every retry. */
  public void lostRequest() {
    lostRequests++;
  }

  /**
   * A message arrived: its payload (last frame), parsed when it is a probe payload, feeds latency
   * and loss accounting; {@code peer} names its sender when it said so.
   */
  public void received(byte[] payload, String peer, boolean counts) {
    received++;
    if (counts) {
      tick();
    }
    if (peer != null) {
      peers.merge(peer, 1L, Long::sum);
    }
    ProbePayload p = ProbePayload.decode(payload);
    if (p != null) {
      latency.record(ProbePayload.nowMicros() - p.sentMicros());
      streams.computeIfAbsent(p.stream(), k -> new Stream()).saw(p.sequence(), p.sentMicros());
    }
  }

  /** A reply to a request, whose round trip took {@code micros}. */
  public void replied(long micros, String peer) {
    received++;
    tick();
    latency.record(micros);
    if (peer != null) {
      peers.merge(peer, 1L, Long::sum);
    }
  }

  public void finish() {
    endNanos = System.nanoTime();
  }

  private void tick() {
    long now = System.nanoTime();
    if (firstNanos < 0) {
      firstNanos = now;
    }
    lastNanos = now;
  }

  public long sent() {
    return sent;
  }

  public long received() {
    return received;
  }

  /**
   * What the probe knows was lost. req: requests without a reply after every retry. sub: the {@link
   * #gaps}, since a subscriber gets every message of its topics. pull, rep and worker: 0, since
   * behind a spreading device (streamer, queue) each receiver sees only its share and the gaps are
   * the other receivers' messages; {@link #gaps} reports them, and a loss is what every receiver
   * together did not get of what the senders sent.
   */
  public long lost() {
    return lostRequests + (mode.equals("sub") ? gaps() : 0);
  }

  /**
   * Messages missing inside the sequence range seen from each sender: a subscriber joining late
   * misses nothing by this count; a receiver sharing a stream with others sees their share here.
   */
  public long gaps() {
    long gaps = 0;
    for (Stream s : streams.values()) {
      gaps += s.max - s.min + 1 - s.distinct;
    }
    return gaps;
  }

  /**
   * Messages that arrived again: every arrival of a sender's sequence number after its first. Exact
   * (each number seen is remembered), so {@code received = distinct + duplicates} for probe
   * payloads, and {@link #gaps} counts the distinct numbers missing.
   */
  public long duplicates() {
    long duplicates = 0;
    for (Stream s : streams.values()) {
      duplicates += s.arrivals - s.distinct;
    }
    return duplicates;
  }

  public LatencyHistogram latency() {
    return latency;
  }

  public Map<String, Long> peers() {
    return peers;
  }

  /**
   * Messages per second between the first and the last counted message (sent for pub and push,
   * replies for req, received otherwise).
   */
  public double msgsPerSec() {
    long n = mode.equals("pub") || mode.equals("push") ? sent : received;
    if (n < 2 || lastNanos <= firstNanos) {
      return 0;
    }
    return (n - 1) * 1e9 / (lastNanos - firstNanos);
  }

  /** The summary line (docs/contracts.md): one JSON object, no line breaks. */
  public String toJson(boolean ok) {
    long end = endNanos < 0 ? System.nanoTime() : endNanos;
    StringBuilder json = new StringBuilder(256);
    json.append("{\"mode\":").append(quote(mode));
    json.append(",\"sent\":").append(sent);
    json.append(",\"received\":").append(received);
    json.append(",\"lost\":").append(lost());
    json.append(",\"gaps\":").append(gaps());
    json.append(",\"duplicates\":").append(duplicates());
    json.append(",\"gapSpans\":[");
    List<long[]> spans = gapSpans();
    for (int i = 0; i < spans.size(); i++) {
      long[] g = spans.get(i);
      json.append(i == 0 ? "" : ",").append('[').append(g[0]).append(',').append(g[1]);
      json.append(',').append(g[2]).append(',').append(g[3]).append(']');
    }
    json.append(']');
    json.append(",\"msgsPerSec\":").append(String.format(Locale.ROOT, "%.1f", msgsPerSec()));
    json.append(",\"latencyP50Us\":").append(latency.percentile(0.50));
    json.append(",\"latencyP99Us\":").append(latency.percentile(0.99));
    json.append(",\"latencyMeanUs\":").append(String.format(Locale.ROOT, "%.1f", latency.mean()));
    json.append(",\"latencyMaxUs\":").append(latency.max());
    json.append(",\"peers\":{");
    boolean first = true;
    for (Map.Entry<String, Long> e : peers.entrySet()) {
      if (!first) {
        json.append(',');
      }
      first = false;
      json.append(quote(e.getKey())).append(':').append(e.getValue());
    }
    json.append('}');
    json.append(",\"resent\":").append(resent);
    json.append(",\"reconnects\":").append(reconnects);
    json.append(",\"identity\":").append(identity == null ? "null" : quote(identity));
    json.append(",\"elapsedMs\":").append((end - startNanos) / 1_000_000);
    json.append(",\"ok\":").append(ok);
    return json.append('}').toString();
  }

  /**
   * Where each sender's sequence jumped forward (a gap opened), first {@link #MAX_GAP_SPANS}: the
   * last number before and the first after, and their send times (the sender's clock, microseconds
   * since the epoch), so a gap can be placed in time: {@code [[before, after, sentBefore,
   * sentAfter], ...]}. A jump that later arrivals filled completely (messages that came out of
   * order, as they do through several workers) is not a gap and is not listed.
   */
  public List<long[]> gapSpans() {
    List<long[]> spans = new ArrayList<>();
    for (Stream s : streams.values()) {
      s.dropFilledSpans();
      spans.addAll(s.spans);
    }
    spans.sort((a, b) -> Long.compare(a[2], b[2]));
    return spans.size() > MAX_GAP_SPANS ? spans.subList(0, MAX_GAP_SPANS) : spans;
  }

  static final int MAX_GAP_SPANS = 100;

  /** One sender's sequence numbers: the range, and which were seen (a bit each, from 1). */
  private static final class Stream {
    private final BitSet seen = new BitSet();
    final List<long[]> spans = new ArrayList<>();
    long lastSeq = -1;
    long lastMicros;
    private HashSet<Long> beyond; // numbers past the int range, not expected from a probe
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    long distinct;
    long arrivals;

    void saw(long seq, long sentMicros) {
      arrivals++;
      if (lastSeq >= 0 && seq > lastSeq + 1) {
        if (spans.size() == MAX_GAP_SPANS) {
          dropFilledSpans(); // make room: a reordering must not crowd out a later real gap
        }
        if (spans.size() < MAX_GAP_SPANS) {
          spans.add(new long[] {lastSeq, seq, lastMicros, sentMicros});
        }
      }
      if (seq > lastSeq) {
        lastSeq = seq;
        lastMicros = sentMicros;
      }
      boolean fresh;
      if (seq >= 0 && seq < Integer.MAX_VALUE) {
        fresh = !seen.get((int) seq);
        seen.set((int) seq);
      } else {
        if (beyond == null) {
          beyond = new HashSet<>();
        }
        fresh = beyond.add(seq);
      }
      if (fresh) {
        distinct++;
        min = Math.min(min, seq);
        max = Math.max(max, seq);
      }
    }

    /** Forgets the spans whose every number has arrived since. */
    void dropFilledSpans() {
      spans.removeIf(span -> !missingBetween(span[0], span[1]));
    }

    /** Whether a number strictly between {@code before} and {@code after} was never seen. */
    private boolean missingBetween(long before, long after) {
      if (after > Integer.MAX_VALUE) {
        return true; // outside the probe's range: keep the span rather than guess
      }
      return seen.nextClearBit((int) (before + 1)) < after;
    }
  }

  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
