package io.zeromesh.broker.probe;

import io.zeromesh.broker.config.ConfigException;
import io.zeromesh.broker.config.Flags;
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
    String endpoint,
    boolean bind,
    String output,
    long count,
    int size,
    double rate,
    List<String> topics,
    long expect,
    long timeoutSeconds,
    CurveClient curve,
    int retries,
    long requestTimeoutMs,
    String identity) {

  /** The probe's CURVE client keys: the server's public key and the probe's own pair (Z85). */
  public record CurveClient(String serverKey, String publicKey, String secretKey) {}

  static final long DEFAULT_SENDER_COUNT = 100;
  static final int DEFAULT_SIZE = 64;
  static final int MAX_SIZE = 256 * 1024 * 1024;
  static final long DEFAULT_REQUEST_TIMEOUT_MS = 2500;

  private static final Pattern ENDPOINT =
      Pattern.compile("(tcp://(\\[[0-9A-Fa-f:.]+\\]|[^:/\\s]+):(\\d{1,5}|\\*)|ipc://\\S+)");

  static final String HELP =
      String.join(
          "\n",
          "usage: zeromesh-broker probe pub|sub|req|rep|push|pull|worker --endpoint ENDPOINT"
              + " [flags]",
          "",
          "  --endpoint E            tcp://host:port (or ipc://path) to connect to (required)",
          "  --bind                  bind the endpoint instead of connecting",
          "  --count N               messages to send (pub, push, req; default "
              + DEFAULT_SENDER_COUNT
              + ") or to receive",
          "                          before stopping (sub, pull, rep, worker; default 0 ="
              + " no limit)",
          "  --size BYTES            payload size, at least "
              + ProbePayload.HEADER_SIZE
              + " (the header; default "
              + DEFAULT_SIZE
              + ")",
          "  --rate N                messages per second (pub, push, req; 0 = as fast as"
              + " possible)",
          "  --topic T               pub: topic frame sent before each payload; sub: prefix to"
              + " subscribe",
          "                          to (repeatable; none = everything)",
          "  --expect N              exit 1 unless at least N messages were received (sub, pull,"
              + " rep,",
          "                          worker) or replies got (req); sub and pull stop once N"
              + " arrived",
          "  --timeout-s S           stop after S seconds (default 0 = no limit)",
          "  --curve-server-key Z85  be a CURVE client of the server with this public key",
          "  --curve-client-key-dir D  holds client.key and client.pub (Z85); default a fresh"
              + " keypair",
          "  --retries N             req: lazy pirate, resend up to N times on a fresh socket"
              + " (default 0)",
          "  --request-timeout-ms MS req: wait this long for each reply (default "
              + DEFAULT_REQUEST_TIMEOUT_MS
              + ")",
          "  --identity NAME         rep and worker: the name put in front of each reply /"
              + " forwarded",
          "                          message; push: sent as first frame (default for rep and"
              + " worker: the host name)",
          "  --output E              worker: where to push what it pulled from --endpoint"
              + " (required)",
          "",
          "Every flag can also be set as ZEROMESH_<FLAG> (e.g. ZEROMESH_CURVE_SERVER_KEY).",
          "Prints one JSON line on stdout at the end. Exit 0 expectation met, 1 not, 2 bad"
              + " flags.");

  /** Reads and validates every probe flag; throws {@link ConfigException} naming the flag. */
  public static ProbeConfig parse(List<String> args, Map<String, String> env) {
    Flags flags = Flags.parse(args, env);
    List<String> positional = flags.positional();
    if (positional.isEmpty()) {
      throw new ConfigException(
          "probe needs a mode: pub, sub, req, rep, push, pull or worker (see probe --help)");
    }
    if (positional.size() > 1) {
      throw new ConfigException("unexpected argument '" + positional.get(1) + "' (see --help)");
    }
    ProbeMode mode = ProbeMode.of(positional.get(0));
    String endpoint = endpoint(flags, "endpoint", true);
    boolean bind = flags.bool("bind", false);
    if (bind && endpoint.startsWith("tcp://") && endpoint.endsWith(":*")) {
      throw new ConfigException(
          "invalid value '" + endpoint + "' for --endpoint: give a port number to bind");
    }
    String output = endpoint(flags, "output", mode == ProbeMode.WORKER);
    if (output != null && mode != ProbeMode.WORKER) {
      throw new ConfigException("--output applies to worker mode only");
    }
    long count =
        flags.longValue("count", mode.sends() ? DEFAULT_SENDER_COUNT : 0, 0, Long.MAX_VALUE / 2);
    int size = flags.intValue("size", DEFAULT_SIZE, ProbePayload.HEADER_SIZE, MAX_SIZE);
    double rate = flags.doubleValue("rate", 0, 0, 10_000_000);
    if (flags.has("rate") && !mode.sends()) {
      throw new ConfigException("--rate applies to pub, push and req only");
    }
    List<String> topics = flags.list("topic");
    if (!topics.isEmpty() && mode != ProbeMode.PUB && mode != ProbeMode.SUB) {
      throw new ConfigException("--topic applies to pub and sub only");
    }
    if (mode == ProbeMode.PUB && topics.size() > 1) {
      throw new ConfigException("--topic: pub sends on one topic, got " + topics);
    }
    long expect = flags.longValue("expect", 0, 0, Long.MAX_VALUE / 2);
    if (flags.has("expect") && (mode == ProbeMode.PUB || mode == ProbeMode.PUSH)) {
      throw new ConfigException("--expect applies to sub, pull, req, rep and worker only");
    }
    long timeout = flags.longValue("timeout-s", 0, 0, 31L * 24 * 3600);
    int retries = flags.intValue("retries", 0, 0, 1_000_000);
    if (flags.has("retries") && mode != ProbeMode.REQ) {
      throw new ConfigException("--retries applies to req only");
    }
    long requestTimeout =
        flags.longValue("request-timeout-ms", DEFAULT_REQUEST_TIMEOUT_MS, 1, 3_600_000);
    String identity = flags.string("identity", null);
    if (identity != null && identity.isBlank()) {
      throw new ConfigException("invalid value '' for --identity: expected a name");
    }
    if (identity == null && (mode == ProbeMode.REP || mode == ProbeMode.WORKER)) {
      identity = hostName(env);
    }
    CurveClient curve = curve(flags);
    flags.rejectUnknown();
    return new ProbeConfig(
        mode,
        endpoint,
        bind,
        output,
        count,
        size,
        rate,
        topics,
        expect,
        timeout,
        curve,
        retries,
        requestTimeout,
        identity);
  }

  /** Whether {@code --help} was asked for, whatever else is on the line. */
  public static boolean wantsHelp(List<String> args) {
    return args.contains("--help") || args.contains("-h");
  }

  private static String endpoint(Flags flags, String flag, boolean required) {
    String value = flags.string(flag, null);
    if (value == null || value.isBlank()) {
      if (required) {
        throw new ConfigException(
            "missing --" + flag + " (" + Flags.envName(flag) + "): expected tcp://host:port");
      }
      return null;
    }
    value = value.trim();
    if (!ENDPOINT.matcher(value).matches()) {
      throw new ConfigException(
          "invalid value '"
              + value
              + "' for --"
              + flag
              + " ("
              + Flags.envName(flag)
              + "): expected tcp://host:port or ipc://path");
    }
    if (value.startsWith("tcp://") && !value.endsWith(":*")) {
      int port = Integer.parseInt(value.substring(value.lastIndexOf(':') + 1));
      if (port < 1 || port > 65535) {
        throw new ConfigException(
            "invalid value '" + value + "' for --" + flag + ": port out of range");
      }
    }
    return value;
  }

  private static CurveClient curve(Flags flags) {
    String serverKey = flags.string("curve-server-key", null);
    String keyDir = flags.string("curve-client-key-dir", null);
    if (serverKey == null || serverKey.isBlank()) {
      if (keyDir != null && flags.has("curve-client-key-dir")) {
        throw new ConfigException("--curve-client-key-dir needs --curve-server-key");
      }
      return null;
    }
    serverKey = checkKey(serverKey.trim(), "--curve-server-key");
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
