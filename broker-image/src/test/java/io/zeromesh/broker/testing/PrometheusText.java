package io.zeromesh.broker.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4 for tests: every line is a HELP, a
 * TYPE or a sample; a sample belongs to a family declared by TYPE before it; a malformed line fails
 * the parse.
 */
public final class PrometheusText {
  /** One sample: metric name, labels, value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern TYPE =
      Pattern.compile(
          "# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
  private static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*");
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? ([^ ]+)( [0-9]+)?");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  private final Map<String, String> types = new LinkedHashMap<>();
  private final List<Sample> samples = new ArrayList<>();

  private PrometheusText() {}

  public static PrometheusText parse(String text) {
    PrometheusText p = new PrometheusText();
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      Matcher m;
      if ((m = TYPE.matcher(line)).matches()) {
        if (p.types.put(m.group(1), m.group(2)) != null) {
          throw new IllegalArgumentException("TYPE twice: " + line);
        }
      } else if (HELP.matcher(line).matches()) {
        continue;
      } else if ((m = SAMPLE.matcher(line)).matches()) {
        String name = m.group(1);
        if (!p.types.containsKey(name) && !p.types.containsKey(family(name))) {
          throw new IllegalArgumentException("sample without TYPE: " + line);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (m.group(3) != null && !m.group(3).isEmpty()) {
          Matcher l = LABEL.matcher(m.group(3));
          int end = 0;
          while (l.find() && l.start() == end) {
            labels.put(l.group(1), l.group(2));
            end = l.end();
          }
          if (end != m.group(3).length()) {
            throw new IllegalArgumentException("bad labels: " + line);
          }
        }
        p.samples.add(new Sample(name, labels, Double.parseDouble(m.group(4))));
      } else {
        throw new IllegalArgumentException("not exposition format: " + line);
      }
    }
    return p;
  }

  private static String family(String sample) {
    for (String suffix : List.of("_total", "_created", "_bucket", "_count", "_sum", "_info")) {
      if (sample.endsWith(suffix)) {
        return sample.substring(0, sample.length() - suffix.length());
      }
    }
    return sample;
  }

  /** The TYPE of a family, or null. */
  public String type(String name) {
    return types.get(name);
  }

  public List<Sample> samples(String name) {
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) {
      if (s.name().equals(name)) {
        out.add(s);
      }
    }
    return out;
  }

  /** The value of the one sample with exactly these labels; fails when there is none. */
  public double value(String name, Map<String, String> labels) {
    for (Sample s : samples(name)) {
      if (s.labels().equals(labels)) {
        return s.value();
      }
    }
    throw new AssertionError("no sample " + name + labels + " in " + samples(name));
  }
}
