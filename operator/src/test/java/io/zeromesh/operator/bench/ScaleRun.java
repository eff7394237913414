package io.zeromesh.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One scale of the benchmark: creates the workload against a ready operator, waits for convergence,
 * counts through a settle window, and measures the operator's process. See {@link
 * ReconcileBenchmark}.
 */
final class ScaleRun {
  private final BenchSettings settings;
  private final KubernetesClient client;
  private final ApiServer server;
  private final OperatorProcess operator;
  private final Workload workload;
  private final ExpectedChildren expected;
  private final Path dir;

  /** The figures of one scale; bytes, seconds, counts. */
  record Result(
      int count,
      int children,
      boolean converged,
      double convergedSeconds,
      double createSeconds,
      String timedBy,
      double reconcilesAtConvergence,
      double reconciles,
      double reconcilesFailed,
      long childWrites,
      long statusWrites,
      long writesAfter,
      long writeRequests,
      long writeRequestsAfter,
      long peakRssBytes,
      double idleHeapBytes,
      double peakHeapUsedBytes,
      double peakLiveDataBytes,
      double retainedHeapBytes,
      double heapMaxBytes,
      boolean operatorAlive,
      double operatorCpuSeconds,
      double operatorJitCpuSeconds,
      double apiServerCpuSeconds,
      double etcdCpuSeconds,
      double benchCpuSeconds,
      double loadStart,
      double loadEnd) {

    double afterLastCreateSeconds() {
      return convergedSeconds - createSeconds;
    }

    /** One write per expected child and one status write per resource. */
    long minimalWrites() {
      return children + (long) count;
    }

    double reconcilesAfter() {
      return reconciles - reconcilesAtConvergence;
    }
  }

  ScaleRun(
      BenchSettings settings,
      KubernetesClient client,
      ApiServer server,
      OperatorProcess operator,
      Workload workload,
      ExpectedChildren expected,
      Path dir) {
    this.settings = settings;
    this.client = client;
    this.server = server;
    this.operator = operator;
    this.workload = workload;
    this.expected = expected;
    this.dir = dir;
  }

  Result run() throws Exception {
    int count = workload.resources().size();
    Convergence convergence = new Convergence(client, count, expected);
    for (String ns : workload.namespaces()) {
      ReconcileBenchmark.createNamespace(client, ns);
    }
    operator.jcmd("GC.run");
    OperatorMetrics idle = OperatorMetrics.scrape(operator.metrics());
    double loadStart = ReconcileBenchmark.loadAverage();
    double operatorCpu0 = ProcStats.cpuSeconds(operator.pid());
    double apiServerCpu0 = ProcStats.cpuSeconds(server.apiServerPid());
    double etcdCpu0 = ProcStats.cpuSeconds(server.etcdPid());
    double benchCpu0 = ReconcileBenchmark.thisJvmCpuSeconds();

    Convergence.Snapshot snapshot;
    double createSeconds;
    double convergedSeconds;
    String timedBy;
    OperatorWrites.Count atConvergence;
    OperatorWrites.Count settled;
    OperatorMetrics metricsAtConvergence;
    OperatorMetrics metricsSettled;
    try (OperatorWrites writes = new OperatorWrites(client, count, expected);
        Sampler sampler =
            new Sampler(operator, idle, server, writes, dir.resolve("timeline.csv"))) {
      OperatorWrites.Count before = writes.now();
      ApiRequests.Count requestsBefore = ApiRequests.scrape(client);
      long othersEvents0 = othersEventWrites(client);
      long t0 = System.nanoTime();
      createSeconds =
          ReconcileBenchmark.create(client, workload.resources(), settings.createThreads());
      System.out.printf(
          "bench: created %,d resources in %.1f s; waiting for the operator%n",
          count, createSeconds);

      // The watches time the convergence; list calls confirm it (and stand in for a broken watch).
      long deadline = t0 + settings.timeoutFor(count).toNanos();
      long lastProgress = 0;
      long listedCompleteAt;
      boolean exited = false;
      while (true) {
        long now = System.nanoTime();
        exited = !operator.isAlive();
        if (exited
            || writes.completedAt().isPresent()
            || writes.watchErrors() > 0
            || now > deadline) {
          snapshot = convergence.look();
          listedCompleteAt = System.nanoTime();
          if (exited || snapshot.complete() || now > deadline) {
            break;
          }
        }
        if (now - lastProgress > TimeUnit.SECONDS.toNanos(10)) {
          System.out.printf("bench: %6.1f s  %s%n", (now - t0) / 1e9, writes.progress());
          lastProgress = now;
        }
        TimeUnit.MILLISECONDS.sleep(settings.pollInterval().toMillis());
      }
      boolean byWatches = writes.completedAt().isPresent() && writes.watchErrors() == 0;
      convergedSeconds =
          ((byWatches ? writes.completedAt().getAsLong() : listedCompleteAt) - t0) / 1e9;
      timedBy =
          exited
              ? "operator EXITED at %.0f s".formatted(convergedSeconds)
              : byWatches
                  ? "watch events"
                  : "list rounds, +-" + Table.seconds(settings.pollInterval().toMillis() / 1000.0);
      atConvergence = writes.now().minus(before);
      List<String> repeated = writes.repeated();
      Files.write(dir.resolve("written-more-than-once.txt"), repeated);
      System.out.printf(
          "bench: %d resources or children written more than once until converged%s%n",
          repeated.size(),
          repeated.isEmpty()
              ? ""
              : " (all in "
                  + dir.resolve("written-more-than-once.txt")
                  + "), e.g. "
                  + repeated.subList(0, Math.min(5, repeated.size())));
      ApiRequests.Count requestsAtConvergence = ApiRequests.scrape(client).minus(requestsBefore);
      ApiRequests.Count requestsSettled = requestsAtConvergence;
      System.out.println(
          "bench: write requests until converged, by verb, resource and answer: "
              + requestsAtConvergence.byRequest());
      System.out.println(
          "bench: Events until converged, by source, reason and kind: " + events(client));
      long othersEventsAtConvergence = othersEventWrites(client) - othersEvents0;
      long othersEventsSettled = othersEventsAtConvergence;
      metricsAtConvergence = exited ? sampler.last() : OperatorMetrics.scrape(operator.metrics());
      settled = atConvergence;
      metricsSettled = metricsAtConvergence;
      if (exited) {
        System.out.printf(
            "bench: the operator EXITED (code %d) after %.1f s, see %s%n",
            operator.exitValue(), convergedSeconds, dir.resolve("operator.log"));
      } else if (snapshot.complete()) {
        System.out.printf(
            "bench: converged in %.1f s; counting writes for %d s%n",
            convergedSeconds, settings.settle().toSeconds());
        // A bounded window in which nothing may happen: waiting is the measurement.
        TimeUnit.MILLISECONDS.sleep(settings.settle().toMillis());
        settled = writes.now().minus(before);
        requestsSettled = ApiRequests.scrape(client).minus(requestsBefore);
        othersEventsSettled = othersEventWrites(client) - othersEvents0;
        metricsSettled = OperatorMetrics.scrape(operator.metrics());
      }
      if (writes.watchErrors() > 0) {
        System.out.println(
            "bench: " + writes.watchErrors() + " watches closed with an error: counts incomplete");
      }
      sampler.close();
      boolean alive = operator.isAlive();
      double operatorCpu =
          (alive ? ProcStats.cpuSeconds(operator.pid()) : sampler.lastCpuSeconds()) - operatorCpu0;
      double apiServerCpu = ProcStats.cpuSeconds(server.apiServerPid()) - apiServerCpu0;
      double etcdCpu = ProcStats.cpuSeconds(server.etcdPid()) - etcdCpu0;
      double benchCpu = ReconcileBenchmark.thisJvmCpuSeconds() - benchCpu0;
      double loadEnd = ReconcileBenchmark.loadAverage();
      long peakRss = alive ? ProcStats.peakRssBytes(operator.pid()) : sampler.lastPeakRss();
      OperatorMetrics end = sampler.last();
      if (alive) {
        operator.jcmd("GC.run");
        end = OperatorMetrics.scrape(operator.metrics());
        Files.writeString(dir.resolve("heap-histogram.txt"), operator.jcmd("GC.class_histogram"));
      }
      System.out.println("bench: Ready conditions at the end: " + snapshot.readyReasons());
      boolean converged = alive && snapshot.complete();
      if (!converged) {
        System.out.printf(
            "bench: NOT converged (%s): %s; missing e.g. %s%n",
            alive ? "timeout of " + settings.timeoutFor(count).toSeconds() + " s" : "exited",
            snapshot.progress(),
            snapshot.missingExamples());
      }
      return new Result(
          count,
          expected.total(),
          converged,
          convergedSeconds,
          createSeconds,
          timedBy,
          metricsAtConvergence.reconcilesStarted() - idle.reconcilesStarted(),
          metricsSettled.reconcilesStarted() - idle.reconcilesStarted(),
          metricsSettled.reconcilesFailed() - idle.reconcilesFailed(),
          atConvergence.childWrites(),
          atConvergence.statusWrites(),
          settled.childWrites()
              - atConvergence.childWrites()
              + settled.statusWrites()
              - atConvergence.statusWrites(),
          requestsAtConvergence.operator() - othersEventsAtConvergence,
          requestsSettled.operator()
              - othersEventsSettled
              - (requestsAtConvergence.operator() - othersEventsAtConvergence),
          peakRss,
          idle.heapUsed(),
          Math.max(sampler.peakUsed(), end.heapUsed()),
          sampler.peakLiveData(),
          alive ? end.heapUsed() : Double.NaN,
          end.heapMax(),
          alive,
          operatorCpu,
          sampler.jitCpuSeconds(),
          apiServerCpu,
          etcdCpu,
          benchCpu,
          loadStart,
          loadEnd);
    }
  }

  /**
   * The writes of Events that others than the operator reported (the API server's IP allocator
   * repair loop reports ClusterIPNotAllocated for a Service it sees between its create and its
   * address): the counter's Event requests are everyone's, and these are no operator's. Each
   * Event's count is its writes (a create, then a patch per repeat).
   */
  static long othersEventWrites(KubernetesClient client) {
    return client.v1().events().inAnyNamespace().list().getItems().stream()
        .filter(
            e -> e.getSource() == null || !"zeromesh-operator".equals(e.getSource().getComponent()))
        .mapToLong(e -> e.getCount() == null ? 1 : e.getCount())
        .sum();
  }

  /**
   * Every Event, counted by who reported it, its reason and the kind it is about: the Events among
   * the write requests are not all the operator's (the API server reports some).
   */
  static java.util.Map<String, Long> events(KubernetesClient client) {
    return client.v1().events().inAnyNamespace().list().getItems().stream()
        .collect(
            java.util.stream.Collectors.groupingBy(
                e ->
                    (e.getSource() == null ? "?" : e.getSource().getComponent())
                        + " "
                        + e.getReason()
                        + " "
                        + e.getInvolvedObject().getKind(),
                java.util.TreeMap::new,
                java.util.stream.Collectors.counting()));
  }

  /**
   * Reads the operator's /q/metrics (heap, reconciles) and /proc (CPU, peak RSS) every second while
   * the workload runs; the last readings stand in for the final ones when the operator exits.
   */
  private static final class Sampler implements AutoCloseable {
    private final OperatorProcess operator;
    private final Thread thread;
    private volatile OperatorMetrics last;
    private volatile double peakUsed;
    private volatile double peakLiveData;
    private volatile double lastCpuSeconds;
    private volatile long lastPeakRss;
    private volatile boolean running = true;

    /** CPU seconds of the JIT compiler threads: the first reading and the largest, per thread. */
    private final java.util.Map<Long, Double> jitFirst =
        new java.util.concurrent.ConcurrentHashMap<>();

    private final java.util.Map<Long, Double> jitLast =
        new java.util.concurrent.ConcurrentHashMap<>();

    private final ApiServer server;
    private final OperatorWrites writes;
    private final java.io.PrintWriter timeline;
    private final long start = System.nanoTime();

    /**
     * @param timeline where each second's line goes: where the time goes, by process (CPU seconds
     *     since the start), by reconciles (started, running, queued) and by progress
     */
    Sampler(
        OperatorProcess operator,
        OperatorMetrics first,
        ApiServer server,
        OperatorWrites writes,
        Path timeline)
        throws IOException {
      this.operator = operator;
      this.last = first;
      this.server = server;
      this.writes = writes;
      this.timeline = new java.io.PrintWriter(Files.newBufferedWriter(timeline), true);
      this.timeline.println(
          "seconds,operator_cpu,apiserver_cpu,etcd_cpu,reconciles_started,reconciling,queued,"
              + "statuses,children");
      jitFirst.putAll(jitThreads());
      thread = new Thread(this::sample, "bench-operator-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    OperatorMetrics last() {
      return last;
    }

    double peakUsed() {
      return peakUsed;
    }

    double peakLiveData() {
      return peakLiveData;
    }

    double lastCpuSeconds() {
      return lastCpuSeconds;
    }

    long lastPeakRss() {
      return lastPeakRss;
    }

    /** CPU seconds the JIT compiler threads used since this sampler started. */
    double jitCpuSeconds() {
      return jitLast.entrySet().stream()
          .mapToDouble(e -> e.getValue() - jitFirst.getOrDefault(e.getKey(), 0.0))
          .sum();
    }

    private java.util.Map<Long, Double> jitThreads() {
      java.util.Map<Long, Double> threads = new java.util.HashMap<>();
      try {
        threads.putAll(ProcStats.threadCpuSeconds(operator.pid(), "C1 Compiler"));
        threads.putAll(ProcStats.threadCpuSeconds(operator.pid(), "C2 Compiler"));
      } catch (IllegalStateException gone) {
        // the operator exited: the main loop reports it
      }
      return threads;
    }

    private void sample() {
      while (running) {
        try {
          lastCpuSeconds = ProcStats.cpuSeconds(operator.pid());
          lastPeakRss = ProcStats.peakRssBytes(operator.pid());
          jitThreads().forEach((tid, cpu) -> jitLast.merge(tid, cpu, Math::max));
          OperatorMetrics m = OperatorMetrics.scrape(operator.metrics());
          last = m;
          OperatorWrites.Progress p = writes.progressCounts();
          timeline.printf(
              java.util.Locale.ROOT,
              "%.1f,%.2f,%.2f,%.2f,%.0f,%.0f,%.0f,%d,%d%n",
              (System.nanoTime() - start) / 1e9,
              lastCpuSeconds,
              ProcStats.cpuSeconds(server.apiServerPid()),
              ProcStats.cpuSeconds(server.etcdPid()),
              m.reconcilesStarted(),
              m.reconciling(),
              m.queued(),
              p.statuses(),
              p.children());
          peakUsed = Math.max(peakUsed, m.heapUsed());
          peakLiveData = Math.max(peakLiveData, m.liveData());
        } catch (InterruptedException e) {
          return;
        } catch (IOException | RuntimeException e) {
          if (!operator.isAlive()) {
            return; // the main loop reports the exit
          }
          // a slow answer under load: the next sample counts
        }
        try {
          TimeUnit.SECONDS.sleep(1);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.interrupt();
      thread.join(TimeUnit.SECONDS.toMillis(30));
      timeline.close();
    }
  }
}
