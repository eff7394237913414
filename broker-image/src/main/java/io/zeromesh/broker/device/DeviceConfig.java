package io.zeromesh.broker.device;

import io.zeromesh.broker.config.BindAddress;
import io.zeromesh.broker.config.ConfigException;
import io.zeromesh.broker.config.Flag;
import io.zeromesh.broker.config.FlagTable;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.KeyAgreement;

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

  static final int WELCOME_MAX_BYTES = 4096;
  private static final Pattern TCP_ENDPOINT =
      Pattern.compile("tcp://([^\\s:|/]+|\\[[0-9a-fA-F:.]+\\]):(\\d{1,5})");
  private static final Pattern Z85 =
      Pattern.compile("[0-9a-zA-Z.\\-:+=^!/*?&<>()\\[\\]{}@%$#]{40}");

  // ---- the flag table (docs/contracts.md, broker daemon; DeviceFlagsContractTest) ----

  static final Flag<String> BIND_ADDRESS =
      Flag.checked(
          "bind-address",
          "*",
          "ADDRESS",
          "interface both device sockets bind",
          raw -> BindAddress.check(raw, true));
  static final Flag<Integer> ADMIN_PORT =
      Flag.port("admin-port", 8080, "HTTP /healthz /readyz /metrics, POST /pause /resume");
  static final Flag<String> ADMIN_BIND_ADDRESS =
      Flag.checked(
          "admin-bind-address",
          "0.0.0.0",
          "ADDRESS",
          "interface of the admin server",
          raw -> BindAddress.check(raw, false));
  static final Flag<Integer> SNDHWM =
      Flag.integer(
          "sndhwm", 1000, 0, Integer.MAX_VALUE, "send high-water mark, messages (0 = none)");
  static final Flag<Integer> RCVHWM =
      Flag.integer(
          "rcvhwm", 1000, 0, Integer.MAX_VALUE, "receive high-water mark, messages (0 = none)");
  static final Flag<Integer> LINGER_MS =
      Flag.integer(
          "linger-ms", 1000, -1, Integer.MAX_VALUE, "linger on shutdown (-1 = until sent)");
  static final Flag<Integer> HEARTBEAT_IVL_MS =
      Flag.integer("heartbeat-ivl-ms", 0, 0, Integer.MAX_VALUE, "ZMTP heartbeat interval")
          .shown("0 (off)");
  static final Flag<Integer> HEARTBEAT_TIMEOUT_MS =
      Flag.integer("heartbeat-timeout-ms", 0, 0, Integer.MAX_VALUE, "ZMTP heartbeat timeout")
          .shown("0 (= interval)");
  // ZMTP carries the TTL in deciseconds in a 16-bit field.
  static final Flag<Integer> HEARTBEAT_TTL_MS =
      Flag.integer("heartbeat-ttl-ms", 0, 0, 6_553_500, "ZMTP heartbeat TTL announced to peers");
  static final Flag<Boolean> TCP_KEEPALIVE =
      Flag.bool("tcp-keepalive", true, "TCP keepalive on every connection");
  static final Flag<Long> MAX_MSG_SIZE =
      Flag.longInteger(
              "max-msg-size", -1, -1, Long.MAX_VALUE, "bytes; a bigger frame drops that peer")
          .shown("-1 (unlimited)");
  static final Flag<Boolean> CURVE = Flag.bool("curve", false, "CURVE server on both sockets");
  static final Flag<String> CURVE_KEY_DIR =
      Flag.nonBlank(
              "curve-key-dir",
              "/etc/zeromesh/curve",
              "holds server.key (secret) and server.pub (public), Z85; they must be one pair")
          .label("DIR");
  static final Flag<String> CURVE_ALLOWED_CLIENTS_DIR =
      Flag.text(
              "curve-allowed-clients-dir",
              "",
              "files of Z85 client public keys, one per line; others are refused (ZAP);"
                  + " re-read when it changes")
          .shown("empty (any client with the server key)")
          .label("DIR");
  static final Flag<String> LOG_FORMAT =
      Flag.choice("log-format", "plain", "log lines on stderr", "plain", "json");
  static final Flag<String> LOG_LEVEL =
      Flag.choice(
          "log-level", "info", "least severe level logged", "debug", "info", "warn", "error");
  static final Flag<Long> SHUTDOWN_TIMEOUT_MS =
      Flag.longInteger("shutdown-timeout-ms", 5000, 100, 3_600_000, "bound on SIGTERM to exit");

  static final Flag<List<Upstream>> UPSTREAM =
      Flag.list(
              "upstream",
              "\\s+",
              false,
              "ENDPOINT",
              "repeatable: tcp://host:port or tcp://host:port|prefix1,prefix2 the frontend also"
                  + " connects out to (no prefixes: what downstream subscribers ask for)",
              DeviceConfig::parseUpstream)
          .env("ZEROMESH_UPSTREAMS", "ZEROMESH_UPSTREAM");
  static final Flag<Boolean> LAST_VALUE_CACHE =
      Flag.bool("last-value-cache", false, "replay the latest message per topic on subscribe");
  static final Flag<String> WELCOME_MESSAGE =
      Flag.text("welcome-message", "", "sent to each new subscriber when it subscribes")
          .shown("empty (off)");
  static final Flag<Integer> MIN_SUBSCRIBERS =
      Flag.integer(
              "min-subscribers",
              0,
              0,
              1_000_000,
              "start gate: hold published messages until this many subscribers")
          .shown("0 (off)");
  static final Flag<Integer> START_GATE_BUFFER =
      Flag.integer(
          "start-gate-buffer", 100_000, 1, 10_000_000, "messages the start gate holds at most");

  /** The frontend port flag of {@code mode} (its default differs per mode). */
  static Flag<Integer> frontendPortFlag(Mode mode) {
    return Flag.port("frontend-port", mode.defaultFrontendPort, frontendMeaning(mode));
  }

  static Flag<Integer> backendPortFlag(Mode mode) {
    return Flag.port("backend-port", mode.defaultBackendPort, backendMeaning(mode));
  }

  /** Every flag of {@code mode}, in --help order: the common ones, then the mode's own. */
  public static FlagTable flags(Mode mode) {
    List<Flag<?>> rows = new ArrayList<>();
    rows.add(frontendPortFlag(mode));
    rows.add(backendPortFlag(mode));
    rows.addAll(
        List.of(
            BIND_ADDRESS,
            ADMIN_PORT,
            ADMIN_BIND_ADDRESS,
            SNDHWM,
            RCVHWM,
            LINGER_MS,
            HEARTBEAT_IVL_MS,
            HEARTBEAT_TIMEOUT_MS,
            HEARTBEAT_TTL_MS,
            TCP_KEEPALIVE,
            MAX_MSG_SIZE,
            CURVE,
            CURVE_KEY_DIR,
            CURVE_ALLOWED_CLIENTS_DIR,
            LOG_FORMAT,
            LOG_LEVEL,
            SHUTDOWN_TIMEOUT_MS));
    if (mode == Mode.FORWARDER) {
      rows.addAll(
          List.of(UPSTREAM, LAST_VALUE_CACHE, WELCOME_MESSAGE, MIN_SUBSCRIBERS, START_GATE_BUFFER));
    }
    return new FlagTable(
        "zeromesh-broker " + mode.id() + " [flags]", modeSummary(mode), null, rows);
  }

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

  private DeviceConfig(Mode mode, FlagTable.Values f) {
    this.mode = mode;
    frontendPort = f.get(frontendPortFlag(mode));
    backendPort = f.get(backendPortFlag(mode));
    bindAddress = f.get(BIND_ADDRESS);
    adminPort = f.get(ADMIN_PORT);
    adminBindAddress = f.get(ADMIN_BIND_ADDRESS);
    sndhwm = f.get(SNDHWM);
    rcvhwm = f.get(RCVHWM);
    lingerMs = f.get(LINGER_MS);
    heartbeatIvlMs = f.get(HEARTBEAT_IVL_MS);
    heartbeatTimeoutMs = f.get(HEARTBEAT_TIMEOUT_MS);
    heartbeatTtlMs = f.get(HEARTBEAT_TTL_MS);
    tcpKeepalive = f.get(TCP_KEEPALIVE);
    maxMsgSize = f.get(MAX_MSG_SIZE);
    curve = f.get(CURVE);
    curveKeyDir = Path.of(f.get(CURVE_KEY_DIR));
    String allowed = f.get(CURVE_ALLOWED_CLIENTS_DIR).trim();
    curveAllowedClientsDir = allowed.isEmpty() ? null : Path.of(allowed);
    logFormat = f.get(LOG_FORMAT);
    logLevel = f.get(LOG_LEVEL);
    shutdownTimeoutMs = f.get(SHUTDOWN_TIMEOUT_MS);
    if (mode == Mode.FORWARDER) {
      upstreams = f.get(UPSTREAM);
      lastValueCache = f.get(LAST_VALUE_CACHE);
      String welcome = f.get(WELCOME_MESSAGE);
      welcomeMessage = welcome.isEmpty() ? null : welcome.getBytes(StandardCharsets.UTF_8);
      if (welcomeMessage != null && welcomeMessage.length > WELCOME_MAX_BYTES) {
        throw new ConfigException(
            WELCOME_MESSAGE.describe() + " is longer than " + WELCOME_MAX_BYTES + " bytes");
      }
      minSubscribers = f.get(MIN_SUBSCRIBERS);
      startGateBuffer = f.get(START_GATE_BUFFER);
    } else {
      upstreams = List.of();
      lastValueCache = false;
      welcomeMessage = null;
      minSubscribers = 0;
      startGateBuffer = 0;
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
      Path secretFile = curveKeyDir.resolve("server.key");
      Path publicFile = curveKeyDir.resolve("server.pub");
      curveServerSecretKey = readKey(secretFile);
      curveServerPublicKey = readKey(publicFile);
      checkKeyPair(curveServerSecretKey, curveServerPublicKey, secretFile, publicFile);
      if (curveAllowedClientsDir != null && !Files.isDirectory(curveAllowedClientsDir)) {
        throw new ConfigException(
            CURVE_ALLOWED_CLIENTS_DIR.describe()
                + ": "
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
    Mode m = Mode.of(mode);
    return new DeviceConfig(m, flags(m).parse(args, env));
  }

  /** {@code tcp://host:port} or {@code tcp://host:port|prefix1,prefix2}. */
  static Upstream parseUpstream(String raw) {
    int bar = raw.indexOf('|');
    String endpoint = bar < 0 ? raw : raw.substring(0, bar);
    Matcher m = TCP_ENDPOINT.matcher(endpoint);
    int port = m.matches() ? Integer.parseInt(m.group(2)) : 0;
    if (port < 1 || port > 65535) {
      throw UPSTREAM.invalid(raw, "tcp://host:port[|prefix,...]");
    }
    List<String> prefixes = new ArrayList<>();
    if (bar >= 0) {
      for (String p : raw.substring(bar + 1).split(",", -1)) {
        if (p.isEmpty()) {
          throw UPSTREAM.invalid(raw, "non-empty prefixes");
        }
        prefixes.add(p);
      }
    }
    return new Upstream(endpoint, List.copyOf(prefixes));
  }

  /** A Z85 key file: 40 characters (surrounding whitespace ignored) that decode to 32 bytes. */
  static String readKey(Path file) {
    String flag = CURVE_KEY_DIR.describe();
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

  public static boolean isZ85Key(String text) {
    if (!Z85.matcher(text).matches()) {
      return false;
    }
    byte[] decoded = io.zeromesh.broker.zmtp.Z85.decode(text);
    return decoded != null && decoded.length == 32;
  }

  /**
   * Fails unless {@code secret} is the secret key of {@code pub} (CURVE keys are X25519: the public
   * key is the secret scalar times the base point), naming both files: a device with a mismatched
   * pair would start and then refuse every client's handshake without a word.
   */
  static void checkKeyPair(String secret, String pub, Path secretFile, Path publicFile) {
    byte[] derived;
    try {
      KeyFactory factory = KeyFactory.getInstance("XDH");
      PrivateKey key =
          factory.generatePrivate(
              new XECPrivateKeySpec(
                  NamedParameterSpec.X25519, io.zeromesh.broker.zmtp.Z85.decode(secret)));
      PublicKey base =
          factory.generatePublic(
              new XECPublicKeySpec(NamedParameterSpec.X25519, BigInteger.valueOf(9)));
      KeyAgreement agreement = KeyAgreement.getInstance("XDH");
      agreement.init(key);
      agreement.doPhase(base, true);
      derived = agreement.generateSecret();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("X25519 unavailable in this JRE", e);
    }
    if (!MessageDigest.isEqual(derived, io.zeromesh.broker.zmtp.Z85.decode(pub))) {
      throw new ConfigException(
          CURVE_KEY_DIR.describe()
              + ": "
              + secretFile
              + " and "
              + publicFile
              + " are not one key pair (the public key of "
              + secretFile.getFileName()
              + " is "
              + io.zeromesh.broker.zmtp.Z85.encode(derived)
              + ")");
    }
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
    return flags(Mode.of(modeId)).help();
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
