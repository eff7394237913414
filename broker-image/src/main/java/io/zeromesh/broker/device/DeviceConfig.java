package io.zeromesh.broker.device;

import io.zeromesh.broker.config.ConfigException;
import io.zeromesh.broker.config.Flags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.zeromq.ZMQ;

/**
 * The typed, validated configuration of one device (see docs/contracts.md). Built only by {@link
 * #parse}, which reads every flag with its environment fallback, rejects unknown flags and checks
 * cross-flag rules (distinct ports, CURVE key files) up front.
 */
public final class DeviceConfig {
  /** The device kinds of the daemon. */
  public enum Mode {
    QUEUE(5559, 5560),
    FORWARDER(5557, 5558),
    STREAMER(5557, 5558);

    final int defaultFrontendPort;
    final int defaultBackendPort;

    Mode(int frontend, int backend) {
      this.defaultFrontendPort = frontend;
      this.defaultBackendPort = backend;
    }

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Mode of(String id) {
      for (Mode m : values()) {
        if (m.id().equals(id)) {
          return m;
        }
      }
      throw new ConfigException("unknown device mode '" + id + "'");
    }
  }

  /** An endpoint the forwarder's frontend connects out to, with an optional fixed prefix list. */
  public record Upstream(String endpoint, List<String> prefixes) {
    public boolean hasFixedPrefixes() {
      return !prefixes.isEmpty();
    }

    @Override
    public String toString() {
      return prefixes.isEmpty() ? endpoint : endpoint + "|" + String.join(",", prefixes);
    }
  }

  /** A flag as {@code --help} shows it. */
  record FlagHelp(String name, String def, String meaning) {}

  static final int WELCOME_MAX_BYTES = 4096;
  private static final Pattern TCP_ENDPOINT =
      Pattern.compile("tcp://([^\\s:|/]+|\\[[0-9a-fA-F:.]+\\]):(\\d{1,5})");
  private static final Pattern Z85 =
      Pattern.compile("[0-9a-zA-Z.\\-:+=^!/*?&<>()\\[\\]{}@%$#]{40}");

  public final Mode mode;
  public final int frontendPort;
  public final int backendPort;
  public final String bindAddress;
  public final int adminPort;
  public final String adminBindAddress;
  public final int sndhwm;
  public final int rcvhwm;
  public final int lingerMs;
  public final int heartbeatIvlMs;
  public final int heartbeatTimeoutMs;
  public final int heartbeatTtlMs;
  public final boolean tcpKeepalive;
  public final long maxMsgSize;
  public final boolean curve;
  public final Path curveKeyDir;

  /** Null when every client holding the server key is accepted. */
  public final Path curveAllowedClientsDir;

  /** Z85, 40 characters; null unless {@link #curve}. */
  public final String curveServerSecretKey;

  /** Z85, 40 characters; null unless {@link #curve}. */
  public final String curveServerPublicKey;

  public final String logFormat;
  public final String logLevel;
  public final long shutdownTimeoutMs;
  public final List<Upstream> upstreams;
  public final boolean lastValueCache;

  /** Null when off. */
  public final byte[] welcomeMessage;

  public final int minSubscribers;
  public final int startGateBuffer;

  private DeviceConfig(Mode mode, Flags f) {
    this.mode = mode;
    frontendPort = f.port("frontend-port", mode.defaultFrontendPort);
    backendPort = f.port("backend-port", mode.defaultBackendPort);
    bindAddress = nonBlank(f, "bind-address", "*");
    adminPort = f.port("admin-port", 8080);
    adminBindAddress = nonBlank(f, "admin-bind-address", "0.0.0.0");
    sndhwm = f.intValue("sndhwm", 1000, 0, Integer.MAX_VALUE);
    rcvhwm = f.intValue("rcvhwm", 1000, 0, Integer.MAX_VALUE);
    lingerMs = f.intValue("linger-ms", 1000, -1, Integer.MAX_VALUE);
    heartbeatIvlMs = f.intValue("heartbeat-ivl-ms", 0, 0, Integer.MAX_VALUE);
    heartbeatTimeoutMs = f.intValue("heartbeat-timeout-ms", 0, 0, Integer.MAX_VALUE);
    // ZMTP carries the TTL in deciseconds in a 16-bit field.
    heartbeatTtlMs = f.intValue("heartbeat-ttl-ms", 0, 0, 6_553_500);
    tcpKeepalive = f.bool("tcp-keepalive", true);
    maxMsgSize = f.longValue("max-msg-size", -1, -1, Long.MAX_VALUE);
    curve = f.bool("curve", false);
    curveKeyDir = Path.of(nonBlank(f, "curve-key-dir", "/etc/zeromesh/curve"));
    String allowed = f.string("curve-allowed-clients-dir", "").trim();
    curveAllowedClientsDir = allowed.isEmpty() ? null : Path.of(allowed);
    logFormat = f.choice("log-format", "plain", "plain", "json");
    logLevel = f.choice("log-level", "info", "debug", "info", "warn", "error");
    shutdownTimeoutMs = f.longValue("shutdown-timeout-ms", 5000, 100, 3_600_000);
    if (mode == Mode.FORWARDER) {
      List<Upstream> ups = new ArrayList<>();
      for (String raw : f.list("upstream")) {
        ups.add(parseUpstream(raw));
      }
      upstreams = List.copyOf(ups);
      lastValueCache = f.bool("last-value-cache", false);
      String welcome = f.string("welcome-message", "");
      welcomeMessage = welcome.isEmpty() ? null : welcome.getBytes(StandardCharsets.UTF_8);
      if (welcomeMessage != null && welcomeMessage.length > WELCOME_MAX_BYTES) {
        throw new ConfigException(
            "--welcome-message (ZEROMESH_WELCOME_MESSAGE) is longer than "
                + WELCOME_MAX_BYTES
                + " bytes");
      }
      minSubscribers = f.intValue("min-subscribers", 0, 0, 1_000_000);
      startGateBuffer = f.intValue("start-gate-buffer", 100_000, 1, 10_000_000);
    } else {
      upstreams = List.of();
      lastValueCache = false;
      welcomeMessage = null;
      minSubscribers = 0;
      startGateBuffer = 0;
    }
    f.rejectUnknown();
    if (!f.positional().isEmpty()) {
      throw new ConfigException("unexpected argument '" + f.positional().get(0) + "' (see --help)");
    }
    if (frontendPort == backendPort) {
      throw new ConfigException(
          "--frontend-port and --backend-port must differ (both " + frontendPort + ")");
    }
    if (adminPort == frontendPort || adminPort == backendPort) {
      throw new ConfigException(
          "--admin-port " + adminPort + " collides with the frontend or backend port");
    }
    if (curve) {
      curveServerSecretKey = readKey(curveKeyDir.resolve("server.key"));
      curveServerPublicKey = readKey(curveKeyDir.resolve("server.pub"));
      if (curveAllowedClientsDir != null && !Files.isDirectory(curveAllowedClientsDir)) {
        throw new ConfigException(
            "--curve-allowed-clients-dir (ZEROMESH_CURVE_ALLOWED_CLIENTS_DIR): "
                + curveAllowedClientsDir
                + " is not a directory");
      }
    } else {
      curveServerSecretKey = null;
      curveServerPublicKey = null;
    }
  }

  /** Reads, validates and returns the configuration of {@code mode}; {@link ConfigException}. */
  public static DeviceConfig parse(String mode, List<String> args, Map<String, String> env) {
    return new DeviceConfig(Mode.of(mode), Flags.parse(args, env));
  }

  /** {@code tcp://host:port} or {@code tcp://host:port|prefix1,prefix2}. */
  static Upstream parseUpstream(String raw) {
    int bar = raw.indexOf('|');
    String endpoint = bar < 0 ? raw : raw.substring(0, bar);
    Matcher m = TCP_ENDPOINT.matcher(endpoint);
    int port = m.matches() ? Integer.parseInt(m.group(2)) : 0;
    if (port < 1 || port > 65535) {
      throw new ConfigException(
          "invalid value '"
              + raw
              + "' for --upstream (ZEROMESH_UPSTREAMS): expected tcp://host:port[|prefix,...]");
    }
    List<String> prefixes = new ArrayList<>();
    if (bar >= 0) {
      for (String p : raw.substring(bar + 1).split(",", -1)) {
        if (p.isEmpty()) {
          throw new ConfigException(
              "invalid value '" + raw + "' for --upstream (ZEROMESH_UPSTREAMS): empty prefix");
        }
        prefixes.add(p);
      }
    }
    return new Upstream(endpoint, List.copyOf(prefixes));
  }

  /** A Z85 key file: 40 characters (surrounding whitespace ignored) that decode to 32 bytes. */
  static String readKey(Path file) {
    String flag = "--curve-key-dir (ZEROMESH_CURVE_KEY_DIR)";
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      throw new ConfigException(flag + ": cannot read " + file + " (" + e.getMessage() + ")");
    }
    if (!isZ85Key(text)) {
      throw new ConfigException(flag + ": " + file + " is not a Z85 key of 40 characters");
    }
    return text;
  }

  static boolean isZ85Key(String text) {
    if (!Z85.matcher(text).matches()) {
      return false;
    }
    byte[] decoded = ZMQ.Curve.z85Decode(text);
    return decoded != null && decoded.length == 32;
  }

  private static String nonBlank(Flags f, String flag, String def) {
    String v = f.string(flag, def).trim();
    if (v.isEmpty()) {
      throw new ConfigException("--" + flag + " (" + Flags.envName(flag) + ") must not be empty");
    }
    return v;
  }

  public String frontendEndpoint() {
    return "tcp://" + bindAddress + ":" + frontendPort;
  }

  public String backendEndpoint() {
    return "tcp://" + bindAddress + ":" + backendPort;
  }

  /** Every setting as key=value pairs for the one start-up log line (no secret key). */
  Object[] describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", mode.id());
    m.put("frontend", frontendEndpoint());
    m.put("backend", backendEndpoint());
    m.put("admin", adminBindAddress + ":" + adminPort);
    m.put("sndhwm", sndhwm);
    m.put("rcvhwm", rcvhwm);
    m.put("linger_ms", lingerMs);
    m.put("heartbeat_ivl_ms", heartbeatIvlMs);
    m.put("heartbeat_timeout_ms", heartbeatTimeoutMs);
    m.put("heartbeat_ttl_ms", heartbeatTtlMs);
    m.put("tcp_keepalive", tcpKeepalive);
    m.put("max_msg_size", maxMsgSize);
    m.put("curve", curve);
    if (curve) {
      m.put("curve_server_public_key", curveServerPublicKey);
      m.put(
          "curve_allowed_clients_dir",
          curveAllowedClientsDir == null ? "any" : curveAllowedClientsDir.toString());
    }
    m.put("shutdown_timeout_ms", shutdownTimeoutMs);
    if (mode == Mode.FORWARDER) {
      m.put("upstreams", upstreams.isEmpty() ? "none" : upstreams.toString());
      m.put("last_value_cache", lastValueCache);
      m.put("welcome_message", welcomeMessage == null ? "off" : "on");
      m.put("min_subscribers", minSubscribers);
      m.put("start_gate_buffer", startGateBuffer);
    }
    Object[] kv = new Object[m.size() * 2];
    int i = 0;
    for (Map.Entry<String, Object> e : m.entrySet()) {
      kv[i++] = e.getKey();
      kv[i++] = e.getValue();
    }
    return kv;
  }

  /** The {@code --help} text of {@code mode}: every flag with its environment name and default. */
  public static String help(String modeId) {
    Mode mode = Mode.of(modeId);
    List<FlagHelp> flags = new ArrayList<>();
    flags.add(new FlagHelp("frontend-port", "" + mode.defaultFrontendPort, frontendMeaning(mode)));
    flags.add(new FlagHelp("backend-port", "" + mode.defaultBackendPort, backendMeaning(mode)));
    flags.add(new FlagHelp("bind-address", "*", "interface both device sockets bind"));
    flags.add(
        new FlagHelp("admin-port", "8080", "HTTP /healthz /readyz /metrics, POST /pause /resume"));
    flags.add(new FlagHelp("admin-bind-address", "0.0.0.0", "interface of the admin server"));
    flags.add(new FlagHelp("sndhwm", "1000", "send high-water mark, messages (0 = none)"));
    flags.add(new FlagHelp("rcvhwm", "1000", "receive high-water mark, messages (0 = none)"));
    flags.add(new FlagHelp("linger-ms", "1000", "linger on shutdown (-1 = until sent)"));
    flags.add(new FlagHelp("heartbeat-ivl-ms", "0", "ZMTP heartbeat interval (0 = off)"));
    flags.add(new FlagHelp("heartbeat-timeout-ms", "0", "ZMTP heartbeat timeout (0 = interval)"));
    flags.add(new FlagHelp("heartbeat-ttl-ms", "0", "ZMTP heartbeat TTL announced to peers"));
    flags.add(new FlagHelp("tcp-keepalive", "true", "TCP keepalive on every connection"));
    flags.add(new FlagHelp("max-msg-size", "-1", "bytes; a bigger frame drops that peer"));
    flags.add(new FlagHelp("curve", "false", "CURVE server on both sockets"));
    flags.add(
        new FlagHelp(
            "curve-key-dir", "/etc/zeromesh/curve", "holds server.key and server.pub (Z85)"));
    flags.add(
        new FlagHelp(
            "curve-allowed-clients-dir",
            "(empty: any client)",
            "files of Z85 client public keys, one per line; re-read when it changes"));
    flags.add(new FlagHelp("log-format", "plain", "plain or json (stderr)"));
    flags.add(new FlagHelp("log-level", "info", "debug, info, warn or error"));
    flags.add(new FlagHelp("shutdown-timeout-ms", "5000", "bound on SIGTERM to exit"));
    if (mode == Mode.FORWARDER) {
      flags.add(
          new FlagHelp(
              "upstream",
              "(none)",
              "repeatable, env ZEROMESH_UPSTREAMS (whitespace separated): tcp://host:port or"
                  + " tcp://host:port|prefix1,prefix2 the frontend connects out to"));
      flags.add(
          new FlagHelp(
              "last-value-cache", "false", "replay the latest message per topic on subscribe"));
      flags.add(
          new FlagHelp(
              "welcome-message", "(empty: off)", "sent to each new subscriber when it subscribes"));
      flags.add(
          new FlagHelp(
              "min-subscribers", "0", "start gate: hold messages until this many subscribers"));
      flags.add(
          new FlagHelp(
              "start-gate-buffer", "100000", "messages the start gate holds (oldest dropped)"));
    }
    StringBuilder b = new StringBuilder();
    b.append("usage: zeromesh-broker ").append(mode.id()).append(" [flags]\n");
    b.append(modeSummary(mode)).append("\n\nflags (--flag=value or --flag value; env wins");
    b.append(" only when the flag is absent):\n");
    for (FlagHelp h : flags) {
      b.append(String.format("  --%-27s %-36s default %s%n", h.name, Flags.envName(h.name), h.def));
      b.append("      ").append(h.meaning).append('\n');
    }
    return b.toString();
  }

  private static String modeSummary(Mode mode) {
    switch (mode) {
      case QUEUE:
        return "request-reply broker: ROUTER frontend (REQ/DEALER clients), DEALER backend"
            + " (REP/DEALER workers)";
      case FORWARDER:
        return "pub-sub forwarder: XSUB frontend (publishers), XPUB backend (subscribers)";
      default:
        return "pipeline streamer: PULL frontend (pushers), PUSH backend (pulling workers)";
    }
  }

  private static String frontendMeaning(Mode mode) {
    return mode == Mode.QUEUE
        ? "ROUTER port clients connect to"
        : mode == Mode.FORWARDER
            ? "XSUB port publishers connect to"
            : "PULL port pushers connect to";
  }

  private static String backendMeaning(Mode mode) {
    return mode == Mode.QUEUE
        ? "DEALER port workers connect to"
        : mode == Mode.FORWARDER
            ? "XPUB port subscribers connect to"
            : "PUSH port workers connect to";
  }
}
