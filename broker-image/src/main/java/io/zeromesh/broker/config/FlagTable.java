package io.zeromesh.broker.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * A command's flags, one {@link Flag} per row, and what is made from them: the command-line parser
 * (picocli: {@code --flag=value}, {@code --flag value}, a bare boolean {@code --flag}, repeated
 * flags, {@code --}), the {@code --help} text, and the lookup of {@code ZEROMESH_*} variables for
 * flags absent from the command line. docs/contracts.md is checked against the same rows.
 */
public final class FlagTable {
  private final String usage;
  private final String summary;
  private final String positionalLabel;
  private final List<Flag<?>> flags;

  /**
   * @param usage the usage line ({@code zeromesh-broker queue [flags]})
   * @param summary one paragraph under it
   * @param positionalLabel the name of positional arguments in the help, null when none are allowed
   */
  public FlagTable(String usage, String summary, String positionalLabel, List<Flag<?>> flags) {
    this.usage = usage;
    this.summary = summary;
    this.positionalLabel = positionalLabel;
    this.flags = List.copyOf(flags);
  }

  public List<Flag<?>> flags() {
    return flags;
  }

  /** Whether {@code --help} (or {@code -h}) is among {@code args}, whatever else is there. */
  public static boolean wantsHelp(List<String> args) {
    for (String a : args) {
      if (a.equals("--")) {
        return false;
      }
      if (a.equals("--help") || a.equals("-h")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Parses {@code args}, every absent flag falling back to its environment variable in {@code env},
   * then to its default. Throws {@link ConfigException} (one line, naming the flag) for an unknown
   * flag, a flag without its value, an unexpected argument or a bad value.
   */
  public Values parse(List<String> args, Map<String, String> env) {
    CommandLine cli = commandLine();
    ParseResult result;
    try {
      result = cli.parseArgs(args.toArray(new String[0]));
    } catch (CommandLine.UnmatchedArgumentException e) {
      String first = e.getUnmatched().isEmpty() ? "?" : e.getUnmatched().get(0);
      if (first.startsWith("-")) {
        int eq = first.indexOf('=');
        throw new ConfigException(
            "unknown flag " + (eq > 0 ? first.substring(0, eq) : first) + " (see --help)");
      }
      throw new ConfigException("unexpected argument '" + first + "' (see --help)");
    } catch (CommandLine.MissingParameterException e) {
      for (var arg : e.getMissing()) {
        if (arg instanceof OptionSpec o) {
          for (Flag<?> f : flags) {
            if (f.option().equals(o.longestName())) {
              throw new ConfigException(
                  "missing value for "
                      + f.describe()
                      + ": expected "
                      + f.label()
                      + " (see --help)");
            }
          }
        }
      }
      throw new ConfigException(oneLine(e));
    } catch (ParameterException e) {
      throw new ConfigException(oneLine(e));
    }
    Map<Flag<?>, List<String>> raw = new LinkedHashMap<>();
    Map<Flag<?>, Boolean> given = new LinkedHashMap<>();
    Map<Flag<?>, Boolean> onCli = new LinkedHashMap<>();
    for (Flag<?> f : flags) {
      List<String> values = new ArrayList<>();
      OptionSpec o = result.matchedOption(f.option());
      if (o != null) {
        Object v = o.getValue();
        if (v instanceof List<?> list) {
          for (Object item : list) {
            values.add(String.valueOf(item));
          }
        } else if (v != null) {
          values.add(String.valueOf(v));
        }
      } else {
        for (String name : f.envNames()) {
          String fromEnv = env.get(name);
          if (fromEnv != null) {
            values.add(fromEnv);
            break;
          }
        }
      }
      raw.put(f, values);
      given.put(f, !values.isEmpty());
      onCli.put(f, o != null);
    }
    List<String> positional = new ArrayList<>();
    for (String p : result.matchedPositionalValue(0, List.<String>of())) {
      positional.add(p);
    }
    Values values = new Values(raw, given, onCli, positional);
    // Every value read up front: a bad one fails the parse, not the first use.
    for (Flag<?> f : flags) {
      values.get(f);
    }
    return values;
  }

  /** The {@code --help} text: usage, summary, then every flag with its variable and default. */
  public String help() {
    CommandLine cli = commandLine();
    return cli.getUsageMessage(Help.Ansi.OFF);
  }

  private CommandLine commandLine() {
    CommandSpec spec = CommandSpec.create();
    spec.usageMessage()
        .customSynopsis(usage)
        .description(summary)
        .optionListHeading(
            "%nflags (--flag=value or --flag value; ZEROMESH_<FLAG> in the environment counts"
                + " only when the flag is absent):%n")
        .width(100)
        .longOptionsMaxWidth(34)
        .abbreviateSynopsis(true)
        .sortOptions(false);
    for (Flag<?> f : flags) {
      OptionSpec.Builder o =
          OptionSpec.builder(f.option())
              .paramLabel(f.label())
              .description(
                  f.meaning(),
                  "env " + String.join(" or ", f.envNames()) + ", default " + f.shownDefault());
      if (f.isRepeatable()) {
        o.type(List.class).auxiliaryTypes(String.class).arity("1");
      } else if (f.isBoolean()) {
        o.type(String.class).arity("0..1").fallbackValue("true");
      } else {
        o.type(String.class).arity("1");
      }
      spec.addOption(o.build());
    }
    spec.addOption(
        OptionSpec.builder("--help", "-h").usageHelp(true).description("this text").build());
    if (positionalLabel != null) {
      spec.addPositional(
          PositionalParamSpec.builder()
              .index("0..*")
              .type(List.class)
              .auxiliaryTypes(String.class)
              .paramLabel(positionalLabel)
              .hidden(true)
              .build());
    }
    CommandLine cli = new CommandLine(spec);
    cli.setExpandAtFiles(false);
    cli.setOverwrittenOptionsAllowed(true);
    cli.setEndOfOptionsDelimiter("--");
    return cli;
  }

  private static String oneLine(ParameterException e) {
    String m = String.valueOf(e.getMessage()).strip();
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)) + " (see --help)";
  }

  /** The parsed values of one command line and environment. */
  public static final class Values {
    private final Map<Flag<?>, List<String>> raw;
    private final Map<Flag<?>, Boolean> given;
    private final Map<Flag<?>, Boolean> onCli;
    private final List<String> positional;

    private Values(
        Map<Flag<?>, List<String>> raw,
        Map<Flag<?>, Boolean> given,
        Map<Flag<?>, Boolean> onCli,
        List<String> positional) {
      this.raw = raw;
      this.given = given;
      this.onCli = onCli;
      this.positional = List.copyOf(positional);
    }

    /** The flag's value: from the command line, else the environment, else its default. */
    public <T> T get(Flag<T> flag) {
      List<String> values = raw.get(flag);
      if (values == null) {
        throw new IllegalArgumentException(flag + " is not in this table");
      }
      return flag.read(values, Boolean.TRUE.equals(onCli.get(flag)));
    }

    /** Whether the flag was given on the command line or in the environment. */
    public boolean has(Flag<?> flag) {
      return Boolean.TRUE.equals(given.get(flag));
    }

    /** Arguments that are not flags (the probe's role), in order. */
    public List<String> positional() {
      return positional;
    }
  }
}
