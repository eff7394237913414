package io.zeromesh.broker.probe;

import io.zeromesh.broker.config.ConfigException;
import io.zeromesh.broker.config.Flag;
import io.zeromesh.broker.config.FlagTable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.zeromq.ZMQ;

/** The probe's configuration, read from flags and validated before any socket is made. */
public record ProbeConfig(
    ProbeMode mode,
    List<String> endpoints,
    boolean bind,
    List<String> outputs,
    long count,
    int size,
    double rate,
    List<String> topics,
    long expect,
    long timeoutSeconds,
    CurveClient curve,
    int retries,
    long requestTimeoutMs,
    String identity,
    int handshakeIvlMs,
    int connectTimeoutMs) {

  /** The probe's CURVE client keys: the server's public key and the probe's own pair (Z85). */
  public record CurveClient(String serverKey, String publicKey, String secretKey) {}

  static final long DEFAULT_SENDER_COUNT = 100;
  static final int DEFAULT_SIZE = 64;
  static final int MAX_SIZE = 256 * 1024 * 1024;
  static final long DEFAULT_REQUEST_TIMEOUT_MS = 2500;

  /**
   * A connecting socket whose ZMTP greeting has not completed by then drops the connection and
   * reconnects. JeroMQ 0.6.0 now and then leaves a fresh connection silent (zeromq/jeromq#1022):
   * with JeroMQ's 30 s default that costs 30 s, with this a few.
   */
  static final int DEFAULT_HANDSHAKE_IVL_MS = 3000;

  /**
   * A tcp endpoint not connected for this long (a connect pending, or refused over and over) is
   * connected again to a fresh resolution of its name ({@link ProbeLinks}): a connect to a vanished
   * pod IP would otherwise wait for the kernel's SYN retries (about 127 s), JeroMQ 0.6.0 having no
   * ZMQ_CONNECT_TIMEOUT.
   */
  static final int DEFAULT_CONNECT_TIMEOUT_MS = 3000;

  private static final Pattern ENDPOINT =
      Pattern.compile("(tcp://(\\[[0-9A-Fa-f:.]+\\]|[^:/\\s]+):(\\d{1,5}|\\*)|ipc://\\S+)");

  // ---- the flag table (docs/contracts.md, probe; FlagsContractTest) ----

  static final Flag<List<String>> ENDPOINT_FLAG =
      Flag.list(
              "endpoint",
              "[,\\s]+",
              true,
              "E[,E...]",
              "tcp://host:port (or ipc://path) to connect to (required); several, comma separated or"
                  + " repeated: connect to each (every replica of a device)",
              raw -> checkEndpoint(raw))
          .shown("none (required)");
  static final Flag<Boolean> BIND = Flag.bool("bind", false, "bind the endpoints instead");
  static final Flag<List<String>> OUTPUT =
      Flag.list(
          "output",
          "[,\\s]+",
          true,
          "E[,E...]",
          "worker: where to push what it pulled (required; several: to each, round robin)",
          raw -> checkEndpoint(raw));
  static final Flag<Long> COUNT =
      Flag.longInteger(
              "count",
              DEFAULT_SENDER_COUNT,
              0,
              Long.MAX_VALUE / 2,
              "messages to send (pub, push, req) or to receive before stopping (sub, pull, rep,"
                  + " worker; 0 = no limit)")
          .shown(DEFAULT_SENDER_COUNT + " for senders, 0 for receivers");
  static final Flag<Integer> SIZE =
      Flag.integer(
          "size",
          DEFAULT_SIZE,
          ProbePayload.HEADER_SIZE,
          MAX_SIZE,
          "payload bytes, at least the " + ProbePayload.HEADER_SIZE + "-byte header");
  static final Flag<Double> RATE =
      Flag.decimal(
          "rate",
          0,
          0,
          10_000_000,
          "messages per second (pub, push, req; 0 = as fast as possible)");
  static final Flag<List<String>> TOPIC =
      Flag.list(
              "topic",
              "\\s+",
              false,
              "T",
              "pub: topic frame sent before each payload; sub: prefix to subscribe to"
                  + " (repeatable; none = everything)",
              raw -> raw)
          .env("ZEROMESH_TOPICS", "ZEROMESH_TOPIC");
  static final Flag<Long> EXPECT =
      Flag.longInteger(
          "expect",
          0,
          0,
          Long.MAX_VALUE / 2,
          "exit 1 unless at least N messages were received (sub, pull, rep, worker) or replies"
              + " got (req); sub and pull stop once N arrived");
  static final Flag<Long> TIMEOUT_S =
      Flag.longInteger("timeout-s", 0, 0, 31L * 24 * 3600, "stop after S seconds (0 = no limit)");
  static final Flag<String> CURVE_SERVER_KEY =
      Flag.text("curve-server-key", null, "be a CURVE client of the server with this public key")
          .shown("none (plaintext)")
          .label("Z85");
  static final Flag<String> CURVE_CLIENT_KEY_DIR =
      Flag.text(
              "curve-client-key-dir",
              null,
              "holds client.key and client.pub (Z85); default a fresh keypair per run")
          .shown("none (fresh keypair)")
          .label("DIR");
  static final Flag<Integer> RETRIES =
      Flag.integer(
          "retries",
          0,
          0,
          1_000_000,
          "req: lazy pirate, resend up to N times on a fresh socket (counted in resent)");
  static final Flag<Long> REQUEST_TIMEOUT_MS =
      Flag.longInteger(
          "request-timeout-ms",
          DEFAULT_REQUEST_TIMEOUT_MS,
          1,
          3_600_000,
          "req: wait this long for each reply");
  static final Flag<String> IDENTITY =
      Flag.text(
              "identity",
              null,
              "rep and worker: the name put in front of each reply / forwarded message; push:"
                  + " sent as first frame")
          .shown("the host name for rep and worker, none otherwise")
          .label("NAME");
  static final Flag<Integer> HANDSHAKE_IVL_MS =
      Flag.integer(
          "handshake-ivl-ms",
          DEFAULT_HANDSHAKE_IVL_MS,
          0,
          3_600_000,
          "a connection whose ZMTP handshake takes longer is dropped and retried (0 = never)");
  static final Flag<Integer> CONNECT_TIMEOUT_MS =
      Flag.integer(
          "connect-timeout-ms",
          DEFAULT_CONNECT_TIMEOUT_MS,
          0,
          3_600_000,
          "a tcp endpoint not connected for this long is connected again to a fresh resolution"
              + " of its name (0 = leave a pending connect to the kernel)");

  private static final FlagTable FLAGS =
      new FlagTable(
          "zeromesh-broker probe pub|sub|req|rep|push|pull|worker --endpoint E[,E...] [flags]",
          "A ZeroMQ client (or server with --bind) that moves real messages and prints one JSON"
              + " line on stdout at the end. Exit 0 expectation met, 1 not, 2 bad flags.",
          "MODE",
          List.of(
              ENDPOINT_FLAG,
              BIND,
              OUTPUT,
              COUNT,
              SIZE,
              RATE,
              TOPIC,
              EXPECT,
              TIMEOUT_S,
              CURVE_SERVER_KEY,
              CURVE_CLIENT_KEY_DIR,
              RETRIES,
              REQUEST_TIMEOUT_MS,
              IDENTITY,
              HANDSHAKE_IVL_MS,
              CONNECT_TIMEOUT_MS));

  /** The probe's {@code --help} text. */
  /** The probe's flags (docs/contracts.md, probe). */
  public static FlagTable flags() {
    return FLAGS;
  }

  static String help() {
    return FLAGS.help();
  }

  /** Reads and validates every probe flag; throws {@link ConfigException} naming the flag. */
  public static ProbeConfig parse(List<String> args, Map<String, String> env) {
    FlagTable.Values flags = FLAGS.parse(args, env);
    List<String> positional = flags.positional();
    if (positional.isEmpty()) {
      throw new ConfigException(
          "probe needs a mode: pub, sub, req, rep, push, pull or worker (see probe --help)");
    }
    if (positional.size() > 1) {
      throw new ConfigException("unexpected argument '" + positional.get(1) + "' (see --help)");
    }
    ProbeMode mode = ProbeMode.of(positional.get(0));
    List<String> endpoints = flags.get(ENDPOINT_FLAG);
    if (endpoints.isEmpty()) {
      throw new ConfigException(
          "missing "
              + ENDPOINT_FLAG.describe()
              + ": expected tcp://host:port[,tcp://host:port...]");
    }
    boolean bind = flags.get(BIND);
    for (String endpoint : endpoints) {
      if (bind && endpoint.startsWith("tcp://") && endpoint.endsWith(":*")) {
        throw ENDPOINT_FLAG.invalid(endpoint, "a port number to bind");
      }
    }
    List<String> outputs = flags.get(OUTPUT);
    if (mode == ProbeMode.WORKER && outputs.isEmpty()) {
      throw new ConfigException("missing " + OUTPUT.describe() + ": worker needs tcp://host:port");
    }
    if (!outputs.isEmpty() && mode != ProbeMode.WORKER) {
      throw new ConfigException("--output applies to worker mode only");
    }
    long count = flags.has(COUNT) ? flags.get(COUNT) : mode.sends() ? DEFAULT_SENDER_COUNT : 0;
    int size = flags.get(SIZE);
    double rate = flags.get(RATE);
    if (flags.has(RATE) && !mode.sends()) {
      throw new ConfigException("--rate applies to pub, push and req only");
    }
    List<String> topics = flags.get(TOPIC);
    if (!topics.isEmpty() && mode != ProbeMode.PUB && mode != ProbeMode.SUB) {
      throw new ConfigException("--topic applies to pub and sub only");
    }
    if (mode == ProbeMode.PUB && topics.size() > 1) {
      throw new ConfigException("--topic: pub sends on one topic, got " + topics);
    }
    long expect = flags.get(EXPECT);
    if (flags.has(EXPECT) && (mode == ProbeMode.PUB || mode == ProbeMode.PUSH)) {
      throw new ConfigException("--expect applies to sub, pull, req, rep and worker only");
    }
    long timeout = flags.get(TIMEOUT_S);
    int retries = flags.get(RETRIES);
    if (flags.has(RETRIES) && mode != ProbeMode.REQ) {
      throw new ConfigException("--retries applies to req only");
    }
    long requestTimeout = flags.get(REQUEST_TIMEOUT_MS);
    String identity = flags.get(IDENTITY);
    if (identity != null && identity.isBlank()) {
      throw IDENTITY.invalid(identity, "a name");
    }
    if (identity == null && (mode == ProbeMode.REP || mode == ProbeMode.WORKER)) {
      identity = hostName(env);
    }
    CurveClient curve = curve(flags);
    return new ProbeConfig(
        mode,
        endpoints,
        bind,
        outputs,
        count,
        size,
        rate,
        topics,
        expect,
        timeout,
        curve,
        retries,
        requestTimeout,
        identity,
        flags.get(HANDSHAKE_IVL_MS),
        flags.get(CONNECT_TIMEOUT_MS));
  }

  /** Whether {@code --help} was asked for, whatever else is on the line. */
  public static boolean wantsHelp(List<String> args) {
    return FlagTable.wantsHelp(args);
  }

  private static String checkEndpoint(String raw) {
    String value = raw.trim();
    if (!ENDPOINT.matcher(value).matches()) {
      throw new IllegalArgumentException("tcp://host:port or ipc://path");
    }
    if (value.startsWith("tcp://") && !value.endsWith(":*")) {
      int port = Integer.parseInt(value.substring(value.lastIndexOf(':') + 1));
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("tcp://host:port with a port from 1 to 65535");
      }
    }
    return value;
  }

  private static CurveClient curve(FlagTable.Values flags) {
    String serverKey = flags.get(CURVE_SERVER_KEY);
    String keyDir = flags.get(CURVE_CLIENT_KEY_DIR);
    if (serverKey == null || serverKey.isBlank()) {
      if (keyDir != null) {
        throw new ConfigException("--curve-client-key-dir needs --curve-server-key");
      }
      return null;
    }
    serverKey = checkKey(serverKey.trim(), CURVE_SERVER_KEY.describe());
    if (keyDir == null) {
      ZMQ.Curve.KeyPair pair = ZMQ.Curve.generateKeyPair();
      return new CurveClient(serverKey, pair.publicKey, pair.secretKey);
    }
    Path dir = Path.of(keyDir);
    String pub = readKey(dir.resolve("client.pub"));
    String sec = readKey(dir.resolve("client.key"));
    return new CurveClient(serverKey, pub, sec);
  }

  private static String readKey(Path file) {
    try {
      String key = Files.readString(file, StandardCharsets.US_ASCII).trim();
      return checkKey(key, "--curve-client-key-dir (" + file + ")");
    } catch (IOException e) {
      throw new ConfigException("--curve-client-key-dir: cannot read " + file + ": " + e);
    }
  }

  private static String checkKey(String key, String what) {
    boolean valid = key.length() == ZMQ.Curve.KEY_SIZE_Z85;
    if (valid) {
      try {
        byte[] raw = ZMQ.Curve.z85Decode(key);
        valid = raw != null && raw.length == ZMQ.Curve.KEY_SIZE;
      } catch (RuntimeException e) {
        valid = false;
      }
    }
    if (!valid) {
      throw new ConfigException(
          "invalid key for " + what + ": expected " + ZMQ.Curve.KEY_SIZE_Z85 + " Z85 characters");
    }
    return key;
  }

  /** The pod name in Kubernetes ({@code HOSTNAME}), else the host's name. */
  static String hostName(Map<String, String> env) {
    String fromEnv = env.get("HOSTNAME");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.trim();
    }
    try {
      String etc = Files.readString(Path.of("/etc/hostname"), StandardCharsets.UTF_8).trim();
      if (!etc.isEmpty()) {
        return etc;
      }
    } catch (IOException | RuntimeException e) {
      // fall through to the resolver
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The probe's roles. */
  public enum ProbeMode {
    PUB(true),
    SUB(false),
    REQ(true),
    REP(false),
    PUSH(true),
    PULL(false),
    WORKER(false);

    private final boolean sends;

    ProbeMode(boolean sends) {
      this.sends = sends;
    }

    /** Whether the mode originates messages ({@code --count} is what it sends). */
    public boolean sends() {
      return sends;
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    static ProbeMode of(String raw) {
      for (ProbeMode m : values()) {
        if (m.label().equals(raw)) {
          return m;
        }
      }
      throw new ConfigException(
          "unknown probe mode '" + raw + "': expected pub, sub, req, rep, push, pull or worker");
    }
  }
}
