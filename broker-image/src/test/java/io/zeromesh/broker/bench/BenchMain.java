package io.zeromesh.broker.bench;

import io.zeromesh.broker.bench.Targets.Figure;
import io.zeromesh.broker.bench.Targets.Latency;
import io.zeromesh.broker.bench.Targets.Verdict;
import io.zeromesh.broker.config.ConfigException;
import io.zeromesh.broker.config.Flag;
import io.zeromesh.broker.config.FlagTable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * {@code make bench}: for each device (queue, forwarder, streamer), one producer and one consumer
 * and two of each, at 100 B and 1 KiB: msgs/s delivered through our daemon (zmtp engine), through
 * libzmq's zmq_proxy with the same sockets, and with no device at all (direct), in interleaved
 * rounds (zmtp, zmq_proxy, direct, then again), the median of each; device CPU per message and RSS
 * beside each figure. Then queue round trips, the resident memory with 1,000 connected peers, and
 * one verdict per issue-10 target ({@link Targets}). All load comes from the libzmq C generator
 * {@code bench/zmqbench.c} (built here with gcc; {@code make deps} installs libzmq3-dev).
 */
public final class BenchMain {
  private static final int[] SIZES = {100, 1024};
  private static final int[][] PATTERNS = {{1, 1}, {2, 2}};

  static final Flag<String> BENCH_DIR =
      Flag.text("bench-dir", "broker-image/bench", "where zmqbench.c is");
  static final Flag<String> WORK_DIR =
      Flag.text("work-dir", "broker-image/target/bench", "where zmqbench and results.txt go");
  static final Flag<Long> MESSAGES =
      Flag.longInteger(
          "messages", 300_000, 1000, 100_000_000, "messages per 100 B run (1 KiB runs: half)");
  static final Flag<Long> ROUND_TRIPS =
      Flag.longInteger("round-trips", 10_000, 100, 10_000_000, "queue round trips per round");
  static final Flag<Integer> REPEAT =
      Flag.integer("repeat", 3, 1, 20, "interleaved rounds; each figure is their median");
  static final Flag<Double> MAX_SECONDS =
      Flag.decimal("max-seconds", 4, 0.5, 120, "a producer stops after this long");
  static final Flag<Integer> WINDOW =
      Flag.integer("window", 100, 1, 100_000, "requests outstanding per async DEALER client");
  static final Flag<Integer> PEERS =
      Flag.integer("peers", 1000, 0, 4000, "connected peers of the memory run (0: skip it)");
  static final Flag<List<String>> DEVICES =
      Flag.list(
          "devices",
          ",",
          true,
          "queue|forwarder|streamer",
          "devices to measure (default all three)",
          d -> {
            if (!List.of("queue", "forwarder", "streamer").contains(d.trim())) {
              throw new IllegalArgumentException("queue, forwarder or streamer");
            }
            return d.trim();
          });

  /** One pattern and size, as {@code --only} names it: {@code 1x1:100}, {@code 2x2:1024}. */
  record Case(int producers, int consumers, int size) {
    static Case parse(String text) {
      String t = text.trim();
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("([12])x([12]):(100|1024)").matcher(t);
      if (!m.matches()) {
        throw new IllegalArgumentException("PxC:SIZE, PxC 1x1 or 2x2, SIZE 100 or 1024");
      }
      return new Case(
          Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    int[] pattern() {
      return new int[] {producers, consumers};
    }
  }

  static final Flag<List<Case>> ONLY =
      Flag.list(
          "only",
          ",",
          true,
          "PxC:SIZE",
          "patterns and sizes to measure, e.g. 1x1:100,2x2:100 (default 1x1 and 2x2 at 100 and"
              + " 1024); warm-up passes run over these only",
          Case::parse);

  static final FlagTable FLAGS =
      new FlagTable(
          "make bench BENCH_ARGS=\"[flags]\"",
          "Throughput, CPU, memory and latency of the zmtp devices against zmq_proxy and direct.",
          null,
          List.of(
              BENCH_DIR,
              WORK_DIR,
              MESSAGES,
              ROUND_TRIPS,
              REPEAT,
              MAX_SECONDS,
              WINDOW,
              PEERS,
              DEVICES,
              ONLY));

  private final PrintStream out;
  private final CLoad load;
  private final Path zmqbench;
  private final long messages;
  private final long roundTrips;
  private final int repeat;
  private final int window;
  private final int peers;
  private final List<String> devices;
  private final List<Case> cases;
  private final List<String> report = new ArrayList<>();
  private final List<String> rows = new ArrayList<>();
  private final List<Verdict> verdicts = new ArrayList<>();
  private final List<String> warmNotes = new ArrayList<>();
  private final List<String> jitNotes = new ArrayList<>();

  private BenchMain(
      PrintStream out, CLoad load, Path zmqbench, FlagTable.Values v, List<String> devices) {
    this.out = out;
    this.load = load;
    this.zmqbench = zmqbench;
    this.messages = v.get(MESSAGES);
    this.roundTrips = v.get(ROUND_TRIPS);
    this.repeat = v.get(REPEAT);
    this.window = v.get(WINDOW);
    this.peers = v.get(PEERS);
    this.devices = devices;
    this.cases = cases(v);
  }

  public static void main(String[] args) throws Exception {
    if (FlagTable.wantsHelp(Arrays.asList(args))) {
      System.out.print(FLAGS.help());
      return;
    }
    try {
      System.exit(run(List.of(args), System.out));
    } catch (ConfigException e) {
      System.err.println("bench: " + e.getMessage());
      System.exit(2);
    }
  }

  /** The devices asked for, in the bench's order, each once (all three when none is named). */
  static List<String> devices(FlagTable.Values v) {
    List<String> asked = v.get(DEVICES);
    List<String> all = List.of("queue", "forwarder", "streamer");
    if (asked == null || asked.isEmpty()) {
      return all;
    }
    return all.stream().filter(asked::contains).toList();
  }

  /**
   * The patterns and sizes asked for, in the bench's order (1x1 then 2x2, 100 B then 1 KiB), each
   * once; all four when none is named.
   */
  static List<Case> cases(FlagTable.Values v) {
    List<Case> asked = v.get(ONLY);
    List<Case> all = new ArrayList<>();
    for (int[] pc : PATTERNS) {
      for (int size : SIZES) {
        all.add(new Case(pc[0], pc[1], size));
      }
    }
    if (asked == null || asked.isEmpty()) {
      return all;
    }
    return all.stream().filter(asked::contains).toList();
  }

  static int run(List<String> args, PrintStream out) throws Exception {
    FlagTable.Values v = FLAGS.parse(args, System.getenv()); // --help says ZEROMESH_* counts
    Path workDir = Path.of(v.get(WORK_DIR));
    Path zmqbench = buildZmqbench(Path.of(v.get(BENCH_DIR)), workDir, out);
    if (zmqbench == null) {
      throw new ConfigException(
          "zmqbench could not be built: install gcc and libzmq3-dev (make deps)");
    }
    CLoad load = new CLoad(zmqbench, v.get(MAX_SECONDS), v.get(WINDOW));
    BenchMain bench = new BenchMain(out, load, zmqbench, v, devices(v));
    bench.runAll();
    Files.createDirectories(workDir);
    Path results = workDir.resolve("results.txt");
    Files.write(results, bench.report, StandardCharsets.UTF_8);
    out.println("(also in " + results + ")");
    return 0;
  }

  /** Compiles bench/zmqbench.c into the work dir; null when gcc or libzmq is missing. */
  static Path buildZmqbench(Path benchDir, Path workDir, PrintStream out)
      throws IOException, InterruptedException {
    Path source = benchDir.resolve("zmqbench.c");
    Path binary = workDir.resolve("zmqbench");
    Files.createDirectories(workDir);
    Process gcc;
    try {
      gcc =
          new ProcessBuilder(
                  "gcc",
                  "-O2",
                  "-Wall",
                  "-o",
                  binary.toString(),
                  source.toString(),
                  "-lzmq",
                  "-lpthread")
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      out.println("bench: no gcc (" + e.getMessage() + ")");
      return null;
    }
    String log = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!gcc.waitFor(120, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
      out.println("bench: zmqbench did not build: " + log.trim());
      return null;
    }
    return binary;
  }

  private void say(String line) {
    out.println(line);
    report.add(line);
  }

  private static final String ROW = "%-10s %-8s %-6s %-34s %-34s %-11s %-8s %-8s %s";

  private void runAll() throws Exception {
    say(
        String.format(
            Locale.ROOT,
            "ZeroMesh bench: load generator %s; %d cores; Java %s; median of %d interleaved rounds",
            load.name(),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"),
            repeat));
    say(
        "msgs/s delivered (first to last delivery, all consumers; queue: replies to async DEALER"
            + " clients, window "
            + window
            + "); beside it the device's CPU per message (us) and RSS after the run; pattern"
            + " PxC = producers x consumers (queue: clients x workers)");
    say("");
    for (String device : devices) {
      try (BenchTarget.Ours zmtp = new BenchTarget.Ours(device);
          BenchTarget.ZmqProxy proxy = new BenchTarget.ZmqProxy(device, zmqbench)) {
        warmUp(zmtp, device);
        double cpu0 = zmtp.cpuSeconds();
        double jit0 = zmtp.jitSeconds();
        for (Case c : cases) {
          row(device, c.pattern(), c.size(), zmtp, proxy);
        }
        jitNotes.add(
            String.format(
                Locale.ROOT,
                "  %-10s %.2f s of %.2f s (%.1f%%)",
                device,
                zmtp.jitSeconds() - jit0,
                zmtp.cpuSeconds() - cpu0,
                100 * share(zmtp.jitSeconds() - jit0, zmtp.cpuSeconds() - cpu0)));
      }
    }
    say(
        String.format(
            Locale.ROOT,
            ROW,
            "device",
            "pattern",
            "size",
            "zmtp",
            "zmq_proxy",
            "direct",
            "zmtp/zp",
            "/direct",
            "cpu zmtp/zp"));
    rows.forEach(this::say);
    say("");
    say(
        "zmtp warm-up before each device's rows (unmeasured passes over its patterns and sizes until"
            + " the JIT compiler threads took <= "
            + Math.round(100 * WARM_JIT_SHARE)
            + "% of a pass's CPU, "
            + MIN_WARM_PASSES
            + " to "
            + MAX_WARM_PASSES
            + " passes):");
    warmNotes.forEach(this::say);
    say("zmtp JIT compiler CPU during the measured rounds (included in its cpu column):");
    jitNotes.forEach(this::say);
    say("");
    latency();
    say("");
    if (peers > 0) {
      memory();
      say("");
    }
    long met = verdicts.stream().filter(Verdict::met).count();
    say(
        String.format(
            Locale.ROOT,
            "targets (issue 10), computed from the figures above: %d of %d met",
            met,
            verdicts.size()));
    verdicts.forEach(v -> say(v.line()));
  }

  /** Warm-up passes: at least this many, at most {@link #MAX_WARM_PASSES}. */
  static final int MIN_WARM_PASSES = 2;

  static final int MAX_WARM_PASSES = 10;

  /** Warm once the JIT compiler threads took at most this share of a pass's process CPU. */
  static final double WARM_JIT_SHARE = 0.05;

  /**
   * True when the JIT has settled after {@code passes} warm-up passes, the last of which cost the
   * process {@code cpuSeconds}, {@code jitSeconds} of them in its compiler threads (or when the
   * passes are up).
   */
  static boolean warm(int passes, double jitSeconds, double cpuSeconds) {
    if (passes >= MAX_WARM_PASSES) {
      return true;
    }
    return passes >= MIN_WARM_PASSES && jitSeconds <= WARM_JIT_SHARE * cpuSeconds;
  }

  static double share(double part, double whole) {
    return whole <= 0 ? 0 : part / whole;
  }

  /**
   * JIT warm-up of our daemon, not measured: passes over every pattern and size asked for until the
   * JVM's compiler threads have settled (a device runs for days; its compiler threads would
   * otherwise bill their start-up work to the first rows' CPU, and take CPU from the load generator
   * on this small machine). Says how many passes it took.
   */
  private void warmUp(BenchTarget.Ours zmtp, String device) throws Exception {
    int passes = 0;
    double jit;
    double cpu;
    do {
      double cpu0 = zmtp.cpuSeconds();
      double jit0 = zmtp.jitSeconds();
      for (Case c : cases) {
        measure(zmtp, device, c.size(), c.size() >= 1024 ? messages / 2 : messages, c.pattern());
      }
      passes++;
      jit = zmtp.jitSeconds() - jit0;
      cpu = zmtp.cpuSeconds() - cpu0;
    } while (!warm(passes, jit, cpu));
    String line =
        String.format(
            Locale.ROOT,
            "  %-10s %d passes; JIT in the last one %.2f s of %.2f s (%.1f%%)",
            device,
            passes,
            jit,
            cpu,
            100 * share(jit, cpu));
    warmNotes.add(line);
    out.println("  .. warm-up" + line);
  }

  private void row(String device, int[] pc, int size, BenchTarget zmtp, BenchTarget proxy)
      throws Exception {
    long count = size >= 1024 ? messages / 2 : messages;
    List<Figure> z = new ArrayList<>();
    List<Figure> p = new ArrayList<>();
    List<Figure> d = new ArrayList<>();
    try (BenchTarget.Direct direct = new BenchTarget.Direct()) {
      for (int i = 0; i < repeat; i++) {
        z.add(measure(zmtp, device, size, count, pc));
        p.add(measure(proxy, device, size, count, pc));
        d.add(measure(direct, "direct-" + device, size, count, pc));
      }
    }
    Figure zm = median(z);
    Figure pm = median(p);
    Figure dm = median(d);
    String pattern = pc[0] + "x" + pc[1];
    rows.add(
        String.format(
            Locale.ROOT,
            ROW,
            device,
            pattern,
            Targets.sizeName(size),
            cell(zm),
            cell(pm),
            String.format(Locale.ROOT, "%,.0f", dm.msgsPerSec()),
            String.format(Locale.ROOT, "%.2f", Targets.ratio(zm.msgsPerSec(), pm.msgsPerSec())),
            String.format(Locale.ROOT, "%.2f", Targets.ratio(zm.msgsPerSec(), dm.msgsPerSec())),
            String.format(
                Locale.ROOT, "%.2f", Targets.ratio(zm.cpuMicrosPerMsg(), pm.cpuMicrosPerMsg()))));
    verdicts.addAll(Targets.throughput(device, pattern, size, zm, pm, dm));
    out.println("  .. " + rows.get(rows.size() - 1));
  }

  /** One run; CPU over the time messages were flowing (first to last delivery). */
  private Figure measure(BenchTarget t, String mode, int size, long count, int[] pc)
      throws Exception {
    double cpuBefore = t.cpuSeconds();
    CLoad.Throughput r =
        load.throughput(mode, t.frontend(), t.backend(), size, count, pc[0], pc[1]);
    double cpuSeconds = t.cpuSeconds() - cpuBefore;
    double cpuPerMsg = r.received() > 0 && t.pid() >= 0 ? cpuSeconds * 1e6 / r.received() : 0;
    return new Figure(r.msgsPerSec(), cpuPerMsg, t.rssMiB(), r.dropPercent());
  }

  /** The run of median throughput (its CPU, RSS and drops with it). */
  static Figure median(List<Figure> runs) {
    List<Figure> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparingDouble(Figure::msgsPerSec));
    return sorted.get(sorted.size() / 2);
  }

  static String cell(Figure f) {
    String s = String.format(Locale.ROOT, "%,.0f", f.msgsPerSec());
    if (f.rssMiB() > 0) {
      s += String.format(Locale.ROOT, " %.2fus %.0fMiB", f.cpuMicrosPerMsg(), f.rssMiB());
    }
    if (f.dropPercent() > 0.05) {
      s += String.format(Locale.ROOT, " d%.1f%%", f.dropPercent());
    }
    return s;
  }

  private void latency() throws Exception {
    say(
        String.format(
            Locale.ROOT,
            "round trip REQ -> queue -> REP echo, 100 B, %,d round trips x %d interleaved rounds"
                + " (us; median of the rounds):",
            roundTrips,
            repeat));
    List<Latency> z = new ArrayList<>();
    List<Latency> p = new ArrayList<>();
    List<Latency> d = new ArrayList<>();
    try (BenchTarget.Ours zmtp = new BenchTarget.Ours("queue");
        BenchTarget.ZmqProxy proxy = new BenchTarget.ZmqProxy("queue", zmqbench)) {
      // Warm-up, as for the throughput rows: until the JIT has settled (at least one round).
      int passes = 0;
      double jit;
      double cpu;
      do {
        double cpu0 = zmtp.cpuSeconds();
        double jit0 = zmtp.jitSeconds();
        load.roundTrips("queue", zmtp.frontend(), zmtp.backend(), 100, roundTrips);
        passes++;
        jit = zmtp.jitSeconds() - jit0;
        cpu = zmtp.cpuSeconds() - cpu0;
      } while (!warm(passes + 1, jit, cpu));
      say(
          String.format(
              Locale.ROOT,
              "  (zmtp warm-up: %d unmeasured rounds; JIT in the last one %.2f s of %.2f s)",
              passes,
              jit,
              cpu));
      for (int i = 0; i < repeat; i++) {
        z.add(load.roundTrips("queue", zmtp.frontend(), zmtp.backend(), 100, roundTrips));
        p.add(load.roundTrips("queue", proxy.frontend(), proxy.backend(), 100, roundTrips));
        try (BenchTarget.Direct t = new BenchTarget.Direct()) {
          d.add(load.roundTrips("direct", t.frontend(), null, 100, roundTrips));
        }
      }
    }
    Latency zm = medianLatency(z);
    Latency pm = medianLatency(p);
    say(latencyLine("zmtp", zm));
    say(latencyLine("zmq_proxy", pm));
    say(latencyLine("direct", medianLatency(d)));
    say(
        String.format(
            Locale.ROOT,
            "  zmtp/zmq_proxy: mean %.2f, p50 %.2f, p99 %.2f",
            Targets.ratio(zm.meanMicros(), pm.meanMicros()),
            Targets.ratio(zm.p50Micros(), pm.p50Micros()),
            Targets.ratio(zm.p99Micros(), pm.p99Micros())));
    verdicts.addAll(Targets.roundTrip(zm, pm));
  }

  /** Median of each field over the rounds; the count is the least of them (losses show). */
  static Latency medianLatency(List<Latency> runs) {
    return new Latency(
        runs.stream().mapToLong(Latency::count).min().orElse(0),
        med(runs, Latency::meanMicros),
        (long) med(runs, l -> l.p50Micros()),
        (long) med(runs, l -> l.p99Micros()));
  }

  private static <T> double med(List<T> xs, ToDoubleFunction<T> f) {
    double[] v = xs.stream().mapToDouble(f).sorted().toArray();
    return v[v.length / 2];
  }

  private static String latencyLine(String who, Latency l) {
    return String.format(
        Locale.ROOT,
        "  %-10s mean %8.1f   p50 %6d   p99 %6d   (%,d round trips)",
        who,
        l.meanMicros(),
        l.p50Micros(),
        l.p99Micros(),
        l.count());
  }

  /** Each device with {@code peers} connected peers moving 100 B messages: its peak RSS. */
  private void memory() throws Exception {
    say(
        String.format(
            Locale.ROOT,
            "%,d connected peers, default HWMs, 100 B messages for 5 s once all are connected (queue: %d clients with one"
                + " request out each, 1 worker; forwarder/streamer: 1 producer, %d consumers):",
            peers,
            peers - 1,
            peers - 1));
    for (String device : devices) {
      try (BenchTarget.Ours zmtp = new BenchTarget.Ours(device)) {
        Process gen = load.peers(device, zmtp.frontend(), zmtp.backend(), peers, 5);
        long connectStart = System.nanoTime();
        long until = connectStart + TimeUnit.SECONDS.toNanos(90);
        int connected = 0;
        while (System.nanoTime() < until && (connected = zmtp.connectedPeers()) < peers) {
          Thread.sleep(200);
        }
        double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
        gen.getOutputStream().write('\n'); // go: every peer connected (or the wait ran out)
        gen.getOutputStream().flush();
        Thread.sleep(2500); // under load
        connected = Math.min(connected, zmtp.connectedPeers());
        if (!gen.waitFor(60, TimeUnit.SECONDS)) {
          gen.destroyForcibly();
        }
        String result = new String(gen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String delivered = CLoad.fields(result, "peers").getOrDefault("delivered", "?");
        double peak = zmtp.peakRssMiB();
        say(
            String.format(
                Locale.ROOT,
                "  %-10s %,d peers connected (in %.1f s), then %s messages delivered in 5 s, RSS %.0f"
                    + " MiB (peak %.0f MiB)",
                device,
                connected,
                connectSeconds,
                delivered,
                zmtp.rssMiB(),
                peak));
        verdicts.add(Targets.memory(device, peers, connected, peak));
      }
    }
  }
}
