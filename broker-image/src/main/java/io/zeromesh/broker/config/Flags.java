package io.zeromesh.broker.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The benchmark harness's flag reader (bench/BenchMain only, which is moving out of this jar). The
 * daemon and the probe read their flags through {@link FlagTable} (picocli), not this.
 *
 * <p>Command-line flags with environment fallback: {@code --some-flag=v} or {@code --some-flag v}
 * on the command line, else {@code ZEROMESH_SOME_FLAG} in the environment, else the default. A bare
 * {@code --flag} means {@code true}. Repeated flags are kept in order ({@link #list}). Every read
 * is typed and validated; unknown flags are reported by {@link #rejectUnknown}.
 */
public final class Flags {
  public static final String ENV_PREFIX = "ZEROMESH_";

  private final Map<String, List<String>> cli = new LinkedHashMap<>();
  private final List<String> positional = new ArrayList<>();
  private final Map<String, String> env;
  private final Set<String> known = new TreeSet<>();

  private Flags(Map<String, String> env) {
    this.env = env;
  }

  /** Parses {@code args}; {@code env} is usually {@link System#getenv()}. */
  public static Flags parse(List<String> args, Map<String, String> env) {
    Flags flags = new Flags(env);
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--")) {
        flags.positional.addAll(args.subList(i + 1, args.size()));
        break;
      }
      if (!arg.startsWith("--") || arg.length() == 2) {
        flags.positional.add(arg);
        continue;
      }
      String name;
      String value;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(2, eq);
        value = arg.substring(eq + 1);
      } else {
        name = arg.substring(2);
        boolean nextIsValue = i + 1 < args.size() && !args.get(i + 1).startsWith("--");
        value = nextIsValue ? args.get(++i) : "true";
      }
      flags.cli.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return flags;
  }

  public static String envName(String flag) {
    return ENV_PREFIX + flag.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** Arguments that are not flags, in order (the mode, the probe's role). */
  public List<String> positional() {
    return Collections.unmodifiableList(positional);
  }

  public boolean has(String flag) {
    known.add(flag);
    return cli.containsKey(flag) || env.containsKey(envName(flag));
  }

  /** The last value given for {@code flag}, or {@code def} when absent. */
  public String string(String flag, String def) {
    known.add(flag);
    List<String> values = cli.get(flag);
    if (values != null) {
      return values.get(values.size() - 1);
    }
    String fromEnv = env.get(envName(flag));
    return fromEnv != null ? fromEnv : def;
  }

  /**
   * Every value of a repeatable flag in order; from the environment (only when the flag is absent
   * on the command line), the variable split on whitespace.
   */
  public List<String> list(String flag) {
    known.add(flag);
    List<String> values = cli.get(flag);
    if (values != null) {
      return List.copyOf(values);
    }
    String fromEnv = env.get(envName(flag + "s"));
    if (fromEnv == null) {
      fromEnv = env.get(envName(flag));
    }
    if (fromEnv == null || fromEnv.isBlank()) {
      return List.of();
    }
    return List.of(fromEnv.trim().split("\\s+"));
  }

  public long longValue(String flag, long def, long min, long max) {
    String raw = string(flag, null);
    if (raw == null) {
      return def;
    }
    long value;
    try {
      value = Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw invalid(flag, raw, "a whole number");
    }
    if (value < min || value > max) {
      throw invalid(flag, raw, "a number from " + min + " to " + max);
    }
    return value;
  }

  public int intValue(String flag, int def, int min, int max) {
    return (int) longValue(flag, def, min, max);
  }

  public int port(String flag, int def) {
    return intValue(flag, def, 1, 65535);
  }

  public double doubleValue(String flag, double def, double min, double max) {
    String raw = string(flag, null);
    if (raw == null) {
      return def;
    }
    double value;
    try {
      value = Double.parseDouble(raw.trim());
    } catch (NumberFormatException e) {
      throw invalid(flag, raw, "a number");
    }
    if (!(value >= min && value <= max)) {
      throw invalid(flag, raw, "a number from " + min + " to " + max);
    }
    return value;
  }

  public boolean bool(String flag, boolean def) {
    String raw = string(flag, null);
    if (raw == null) {
      return def;
    }
    try {
      return Flag.parseBool(raw);
    } catch (IllegalArgumentException e) {
      throw invalid(flag, raw, e.getMessage());
    }
  }

  /** One of {@code allowed}, compared case-insensitively, returned in lower case. */
  public String choice(String flag, String def, String... allowed) {
    String raw = string(flag, def);
    String value = raw.trim().toLowerCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(value)) {
        return value;
      }
    }
    throw invalid(flag, raw, "one of " + String.join(", ", allowed));
  }

  /** Fails on command-line flags that no read asked for; call after reading every flag. */
  public void rejectUnknown() {
    for (String name : cli.keySet()) {
      if (!known.contains(name)) {
        throw new ConfigException("unknown flag --" + name + " (see --help)");
      }
    }
  }

  private static ConfigException invalid(String flag, String raw, String expected) {
    return new ConfigException(
        "invalid value '"
            + raw
            + "' for --"
            + flag
            + " ("
            + envName(flag)
            + "): expected "
            + expected);
  }
}
