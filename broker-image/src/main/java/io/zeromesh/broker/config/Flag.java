package io.zeromesh.broker.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One row of a flag table: the flag {@code --name}, its environment variable(s), its default, how a
 * value is read and checked, and what it means. A {@link FlagTable} turns rows into the parser and
 * the {@code --help} text; the contract test compares them with docs/contracts.md.
 *
 * <p>Values are read by {@link #read}: it throws {@link ConfigException} with a message naming the
 * flag, its variable and what was expected, whether the value came from the command line, the
 * environment or the default.
 *
 * @param <T> the type of the value ({@code List<...>} for a repeatable flag)
 */
public final class Flag<T> {
  /** The prefix of every environment variable of a flag. */
  public static final String ENV_PREFIX = "ZEROMESH_";

  private final String name;
  private final List<String> envNames;
  private final String defaultValue;
  private final String shownDefault;
  private final String meaning;
  private final String label;
  private final Function<String, ?> element;
  private final String splitRegex;
  private final boolean splitCli;
  private final boolean bool;

  private Flag(
      String name,
      List<String> envNames,
      String defaultValue,
      String shownDefault,
      String meaning,
      String label,
      Function<String, ?> element,
      String splitRegex,
      boolean splitCli,
      boolean bool) {
    this.name = name;
    this.envNames = List.copyOf(envNames);
    this.defaultValue = defaultValue;
    this.shownDefault = shownDefault;
    this.meaning = meaning;
    this.label = label;
    this.element = element;
    this.splitRegex = splitRegex;
    this.splitCli = splitCli;
    this.bool = bool;
  }

  private static <T> Flag<T> of(
      String name, String def, String meaning, String label, Function<String, ?> element) {
    return new Flag<>(
        name, List.of(envName(name)), def, def, meaning, label, element, null, false, false);
  }

  /** {@code ZEROMESH_SOME_FLAG} for {@code some-flag}. */
  public static String envName(String flag) {
    return ENV_PREFIX + flag.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  // ---- kinds of flags ----

  /** A whole number from {@code min} to {@code max}. */
  public static Flag<Integer> integer(String name, int def, int min, int max, String meaning) {
    return of(name, Integer.toString(def), meaning, "N", raw -> (int) whole(raw, min, max));
  }

  /** A whole number from {@code min} to {@code max}. */
  public static Flag<Long> longInteger(String name, long def, long min, long max, String meaning) {
    return of(name, Long.toString(def), meaning, "N", raw -> whole(raw, min, max));
  }

  /** A TCP port, 1 to 65535. */
  public static Flag<Integer> port(String name, int def, String meaning) {
    Flag<Integer> f = integer(name, def, 1, 65535, meaning);
    return f.label("PORT");
  }

  /** A number from {@code min} to {@code max}. */
  public static Flag<Double> decimal(String name, double def, double min, double max, String m) {
    return of(
        name,
        def == Math.rint(def) ? Long.toString((long) def) : Double.toString(def),
        m,
        "N",
        raw -> {
          double v;
          try {
            v = Double.parseDouble(raw.trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a number");
          }
          if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException("a number from " + num(min) + " to " + num(max));
          }
          return v;
        });
  }

  /**
   * true or false (also yes/no, on/off, 1/0); a bare {@code --flag} means true, so the value is
   * optional: {@code --flag}, {@code --flag=false}, {@code --flag false}.
   */
  public static Flag<Boolean> bool(String name, boolean def, String meaning) {
    return new Flag<>(
        name,
        List.of(envName(name)),
        Boolean.toString(def),
        Boolean.toString(def),
        meaning,
        "BOOL",
        Flag::parseBool,
        null,
        false,
        true);
  }

  /** Free text; {@code def} null when the flag has no default (absent: null). */
  public static Flag<String> text(String name, String def, String meaning) {
    return of(name, def, meaning, "TEXT", raw -> raw);
  }

  /** Text that must not be blank (surrounding whitespace removed). */
  public static Flag<String> nonBlank(String name, String def, String meaning) {
    return of(
        name,
        def,
        meaning,
        "TEXT",
        raw -> {
          if (raw.isBlank()) {
            throw new IllegalArgumentException("a value (it must not be empty)");
          }
          return raw.trim();
        });
  }

  /** Text checked (and possibly converted) by {@code check}, which throws {@code "expected"}. */
  public static <T> Flag<T> checked(
      String name, String def, String label, String meaning, Function<String, T> check) {
    return of(name, def, meaning, label, check);
  }

  /** One of {@code allowed}, case-insensitive, read in lower case. */
  public static Flag<String> choice(String name, String def, String meaning, String... allowed) {
    List<String> values = Arrays.asList(allowed);
    return of(
        name,
        def,
        meaning,
        String.join("|", allowed),
        raw -> {
          String v = raw.trim().toLowerCase(Locale.ROOT);
          if (!values.contains(v)) {
            throw new IllegalArgumentException("one of " + String.join(", ", allowed));
          }
          return v;
        });
  }

  /**
   * A repeatable flag: every {@code --name V} adds an entry; the environment variable holds entries
   * split by {@code splitRegex}, and so does each V when {@code splitCli}. Entries are checked one
   * by one with {@code check}.
   */
  public static <E> Flag<List<E>> list(
      String name,
      String splitRegex,
      boolean splitCli,
      String label,
      String meaning,
      Function<String, E> check) {
    return new Flag<>(
        name,
        List.of(envName(name)),
        null,
        "none",
        meaning,
        label,
        check,
        splitRegex,
        splitCli,
        false);
  }

  // ---- row options ----

  /** The environment variables, the first documented, the others read when it is absent. */
  public Flag<T> env(String... names) {
    return new Flag<>(
        name,
        Arrays.asList(names),
        defaultValue,
        shownDefault,
        meaning,
        label,
        element,
        splitRegex,
        splitCli,
        bool);
  }

  /** How {@code --help} and docs/contracts.md show the default (e.g. {@code 0 (off)}). */
  public Flag<T> shown(String shown) {
    return new Flag<>(
        name, envNames, defaultValue, shown, meaning, label, element, splitRegex, splitCli, bool);
  }

  /** The name of the value in {@code --help}. */
  public Flag<T> label(String newLabel) {
    return new Flag<>(
        name,
        envNames,
        defaultValue,
        shownDefault,
        meaning,
        newLabel,
        element,
        splitRegex,
        splitCli,
        bool);
  }

  // ---- reading ----

  public String name() {
    return name;
  }

  /** {@code --name}. */
  public String option() {
    return "--" + name;
  }

  /** The documented environment variable. */
  public String envVar() {
    return envNames.get(0);
  }

  public List<String> envNames() {
    return envNames;
  }

  /** The raw default, or null when the flag has none. */
  public String defaultValue() {
    return defaultValue;
  }

  public String shownDefault() {
    return shownDefault;
  }

  public String meaning() {
    return meaning;
  }

  public String label() {
    return label;
  }

  public boolean isBoolean() {
    return bool;
  }

  public boolean isRepeatable() {
    return splitRegex != null;
  }

  /** How entries of a repeatable flag are separated; null for a single-valued flag. */
  public String splitRegex() {
    return splitRegex;
  }

  /** "--name (ZEROMESH_NAME)", as every message about the flag names it. */
  public String describe() {
    return option() + " (" + envVar() + ")";
  }

  /**
   * Reads the raw values given (the last one counts for a single-valued flag; a repeatable flag
   * keeps them all, each split); {@code raws} empty means absent: the default (null if none).
   */
  @SuppressWarnings("unchecked")
  T read(List<String> raws, boolean fromCli) {
    if (isRepeatable()) {
      List<Object> out = new ArrayList<>();
      for (String raw : raws) {
        String[] entries = fromCli && !splitCli ? new String[] {raw} : raw.trim().split(splitRegex);
        for (String entry : entries) {
          if (!entry.isEmpty()) {
            out.add(convert(entry));
          }
        }
      }
      return (T) List.copyOf(out);
    }
    if (raws.isEmpty()) {
      return defaultValue == null ? null : (T) convert(defaultValue);
    }
    return (T) convert(raws.get(raws.size() - 1));
  }

  private Object convert(String raw) {
    try {
      return element.apply(raw);
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw invalid(raw, e.getMessage());
    }
  }

  /** The message for a bad value of this flag: one line naming the flag and its variable. */
  public ConfigException invalid(String raw, String expected) {
    return new ConfigException(
        "invalid value '" + raw + "' for " + describe() + ": expected " + expected);
  }

  // ---- parsers ----

  private static long whole(String raw, long min, long max) {
    long v;
    try {
      v = Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          min == Long.MIN_VALUE ? "a whole number" : "a whole number from " + min + " to " + max);
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException("a number from " + min + " to " + max);
    }
    return v;
  }

  private static String num(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  static boolean parseBool(String raw) {
    switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "true":
      case "yes":
      case "on":
      case "1":
        return true;
      case "false":
      case "no":
      case "off":
      case "0":
        return false;
      default:
        throw new IllegalArgumentException("true or false");
    }
  }

  /** Flags are equal by name: a table has one row per name. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Flag<?> other && other.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return option();
  }
}
