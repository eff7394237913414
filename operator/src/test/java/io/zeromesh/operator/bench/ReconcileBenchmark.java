package io.zeromesh.operator.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zeromesh.operator.api.v1alpha1.DeviceKind;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The operator benchmark ({@code make operator-bench}): the operator as it ships, in a process of
 * its own, bringing 1,000 and then 5,000 custom resources to their desired state on a real API
 * server, and what that costs it and the API server.
 *
 * <p>For each scale ({@code bench.counts}), on a fresh API server so the scales do not share state:
 *
 * <ol>
 *   <li>Starts kube-apiserver and etcd ({@link ApiServer}: fabric8 kube-api-test, the cached
 *       binaries of {@code make cluster-binaries}, Kubernetes 1.37.2 unless told), applies {@code
 *       crds/}, and starts the packaged operator ({@link OperatorProcess}: {@code quarkus-run.jar}
 *       with its image's entrypoint flags plus {@code -Xmx256m}, leader election on, all namespaces
 *       watched); waits until it is ready.
 *   <li>Creates the resources of a {@link Workload} (40% ZmqBroker, 30% ZmqForwarder, 30%
 *       ZmqPipelineStage, with workers, CURVE and references) over the namespaces, 4 creates at a
 *       time.
 *   <li>Times convergence by watch events ({@link OperatorWrites}: every resource has a status for
 *       its generation and every expected child exists, {@link ExpectedChildren}), confirmed by
 *       paged lists ({@link Convergence}); then counts, in a bounded settle window, every further
 *       write and reconcile (a loop or a periodic rewrite shows here).
 *   <li>Reads the operator's {@code /q/metrics} every second (JOSDK's reconcile counters, the JVM's
 *       heap), its peak RSS ({@code VmHWM}), and the CPU time ({@code utime + stime}) of the
 *       operator, kube-apiserver and etcd over the run; at the end a full GC ({@code jcmd GC.run})
 *       for the retained heap and a class histogram to a file.
 * </ol>
 *
 * <p>Then one table, a column per scale and their ratio, and a verdict per target of issue 11. No
 * pods run (no kubelet or controller-manager): Deployments never become available, so Ready stays
 * False; that is expected. Output goes under {@code operator/target/operator-bench/<count>/}
 * (operator log, kubeconfig, heap histogram). Exit code 0 when every scale converged (the verdicts
 * say whether the targets were met), 1 when one did not, 2 on bad settings or missing binaries.
 */
public final class ReconcileBenchmark {
  /** Targets of issue 11. */
  static final double TARGET_RECONCILES_PER_RESOURCE = 2;

  static final double TARGET_AFTER_LAST_CREATE_SECONDS = 10;
  static final int TARGET_AFTER_LAST_CREATE_AT = 1000;
  static final long TARGET_HEAP_BYTES = 256L * 1024 * 1024;

  /**
   * "Under 256 MiB" means it fits with room to collect: the live heap (the larger of the peak live
   * data the JVM reports and the heap retained after a full GC at the end) at most this share of
   * the max heap. Used heap alone proves nothing: with -Xmx256m it never exceeds 256 MiB, it only
   * collects more and more often until the Lease is lost.
   */
  static final double TARGET_LIVE_SHARE_OF_MAX_HEAP = 0.75;

  /** "Well under the API server's": at most half of kube-apiserver's CPU time. */
  static final double TARGET_CPU_SHARE_OF_API_SERVER = 0.5;

  /**
   * kube-api-test relays the API server's and etcd's output at INFO: keep their warnings only, so
   * the table stays readable (held here: the log manager keeps loggers weakly).
   */
  private static final Logger PROCESS_OUTPUT = Logger.getLogger("io.fabric8.kubeapitest");

  private ReconcileBenchmark() {}

  public static void main(String[] args) throws Exception {
    PROCESS_OUTPUT.setLevel(Level.WARNING);
    BenchSettings settings;
    try {
      settings = BenchSettings.fromSystemProperties();
      ApiServer.requireBinaries(settings);
    } catch (RuntimeException e) {
      System.err.println("operator-bench: " + e.getMessage());
      System.exit(2);
      return;
    }
    List<ScaleRun.Result> results = new ArrayList<>();
    try {
      for (int count : settings.counts()) {
        results.add(runScale(settings, count));
      }
    } catch (Exception e) {
      System.err.println("operator-bench: failed: " + e);
      e.printStackTrace();
      System.exit(1);
      return;
    }
    System.out.println();
    System.out.print(table(settings, results).render());
    System.out.println();
    verdicts(settings, results).forEach(System.out::println);
    System.exit(results.stream().allMatch(ScaleRun.Result::converged) ? 0 : 1);
  }

  private static ScaleRun.Result runScale(BenchSettings settings, int count) throws Exception {
    Path dir = outputDir().resolve(Integer.toString(count));
    Files.createDirectories(dir);
    Workload workload = Workload.of(count, settings.namespaces());
    ExpectedChildren expected = ExpectedChildren.of(workload.resources());
    System.out.printf(
        "bench: %d resources (%d ZmqBroker, %d ZmqForwarder, %d ZmqPipelineStage) in %d"
            + " namespaces, %d children expected%n",
        count,
        workload.count(DeviceKind.BROKER),
        workload.count(DeviceKind.FORWARDER),
        workload.count(DeviceKind.PIPELINE_STAGE),
        settings.namespaces(),
        expected.total());
    long started = System.nanoTime();
    try (ApiServer server = ApiServer.start(settings, repoRoot(), dir)) {
      KubernetesClient client = server.client();
      createNamespace(client, OperatorProcess.NAMESPACE);
      Path log = dir.resolve("operator.log");
      try (OperatorProcess operator =
          OperatorProcess.start(
              repoRoot(),
              settings.operatorJvmFlags(),
              server.serviceAccountKubeconfig(OperatorProcess.NAMESPACE, "zeromesh-operator"),
              log,
              java.time.Duration.ofMinutes(3))) {
        System.out.printf(
            "bench: API server and operator (pid %d) ready in %.1f s: %s%n",
            operator.pid(),
            (System.nanoTime() - started) / 1e9,
            String.join(" ", operator.command()));
        ScaleRun.Result result =
            new ScaleRun(settings, client, server, operator, workload, expected, dir).run();
        System.out.println("bench: the operator's log: " + log);
        return result;
      }
    }
  }

  static void createNamespace(KubernetesClient client, String name) {
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
  }

  /**
   * Creates the resources with a few concurrent callers; returns the seconds it took. A resource
   * that names another ({@link Workload#referenced}) is created once that one's create has
   * returned: with concurrent callers it could otherwise be created first, and its first status
   * would rightly say ReferenceNotFound, a second status write the minimum does not count (a 1,000
   * run had one: forwarder-0010 created before forwarder-0007).
   */
  static double create(KubernetesClient client, List<ZmqDevice> resources, int threads)
      throws Exception {
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger next = new AtomicInteger();
    java.util.Map<String, java.util.concurrent.CountDownLatch> created = new java.util.HashMap<>();
    for (ZmqDevice device : resources) {
      created.put(key(device), new java.util.concurrent.CountDownLatch(1));
    }
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    try {
      List<Future<?>> callers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        callers.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement();
                      i < resources.size() && failure.get() == null;
                      i = next.getAndIncrement()) {
                    ZmqDevice device = resources.get(i);
                    try {
                      for (String name : Workload.referenced(device)) {
                        java.util.concurrent.CountDownLatch referent =
                            created.get(device.getMetadata().getNamespace() + "/" + name);
                        // Named resources come earlier in the list: taken by a caller already.
                        while (referent != null
                            && failure.get() == null
                            && !referent.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                          // the caller creating it is on its way
                        }
                      }
                      client.resource(device).create();
                      created.get(key(device)).countDown();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      return;
                    } catch (RuntimeException e) {
                      failure.compareAndSet(
                          null,
                          new IllegalStateException(
                              "cannot create %s %s/%s"
                                  .formatted(
                                      device.getKind(),
                                      device.getMetadata().getNamespace(),
                                      device.getMetadata().getName()),
                              e));
                    }
                  }
                }));
      }
      for (Future<?> caller : callers) {
        caller.get();
      }
    } finally {
      pool.shutdownNow();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static String key(ZmqDevice device) {
    return device.getMetadata().getNamespace() + "/" + device.getMetadata().getName();
  }

  static Table table(BenchSettings settings, List<ScaleRun.Result> results) {
    List<String> header = new ArrayList<>();
    header.add("figure");
    results.forEach(r -> header.add("%,d CRs".formatted(r.count())));
    boolean ratio = results.size() > 1;
    if (ratio) {
      header.add("ratio (last/first)");
    }
    Table table = new Table(header);
    ScaleRun.Result first = results.get(0);
    ScaleRun.Result last = results.get(results.size() - 1);
    class Rows {
      void add(String what, Function<ScaleRun.Result, Double> value, Function<Double, String> fmt) {
        List<String> cells = new ArrayList<>();
        results.forEach(r -> cells.add(fmt.apply(value.apply(r))));
        if (ratio) {
          double a = value.apply(first);
          double b = value.apply(last);
          cells.add(a > 0 && !Double.isNaN(b) ? "%.2f".formatted(b / a) : "");
        }
        table.row(what, cells);
      }

      void text(String what, Function<ScaleRun.Result, String> value) {
        List<String> cells = new ArrayList<>();
        results.forEach(r -> cells.add(value.apply(r)));
        table.row(what, cells);
      }
    }
    Rows rows = new Rows();
    Function<Double, String> secs = Table::seconds;
    Function<Double, String> mib = Table::mib;
    Function<Double, String> whole = v -> "%,.0f".formatted(v);
    Function<Double, String> two = v -> "%.2f".formatted(v);
    table.section(
        "the packaged operator (its own process), %d namespaces, Kubernetes %s API server"
            .formatted(settings.namespaces(), settings.kubernetesVersion()));
    rows.text(
        "converged",
        r -> r.converged() ? "yes" : r.operatorAlive() ? "NO (timeout)" : "NO (operator exited)");
    rows.add(
        "time to converge (first create -> every status and child)",
        r -> r.convergedSeconds(),
        secs);
    rows.add("  creating the resources (client side)", r -> r.createSeconds(), secs);
    rows.add("  after the last create", r -> r.afterLastCreateSeconds(), secs);
    rows.text("  timed by", ScaleRun.Result::timedBy);
    rows.add(
        "children expected (Deployments, Services, Secrets)", r -> (double) r.children(), whole);
    rows.add(
        "reconciles until converged (JOSDK /q/metrics)", r -> r.reconcilesAtConvergence(), whole);
    rows.add("reconciles to the end of the settle window", r -> r.reconciles(), whole);
    rows.add("  per resource", r -> r.reconciles() / r.count(), two);
    rows.add("  failed", r -> r.reconcilesFailed(), whole);
    rows.add("child writes until converged (watch events)", r -> (double) r.childWrites(), whole);
    rows.add("status writes until converged", r -> (double) r.statusWrites(), whole);
    rows.add(
        "  minimal: one per child + one status per resource",
        r -> (double) r.minimalWrites(),
        whole);
    rows.add(
        "write requests until converged (API server's counter, 409s and no-ops too; not its own"
            + " Events)",
        r -> (double) r.writeRequests(),
        whole);
    rows.text(
        "writes / reconciles in the settle window after convergence",
        r ->
            "%d (%d requests) / %.0f in %d s"
                .formatted(
                    r.writesAfter(),
                    r.writeRequestsAfter(),
                    r.reconcilesAfter(),
                    settings.settle().toSeconds()));
    table.section("operator process (" + String.join(" ", settings.operatorJvmFlags()) + ")");
    rows.add("peak RSS (VmHWM)", r -> (double) r.peakRssBytes(), mib);
    rows.add("heap idle, after a full GC, before the first create", r -> r.idleHeapBytes(), mib);
    rows.add(
        "peak heap used (sampled each second: live + garbage)", r -> r.peakHeapUsedBytes(), mib);
    rows.add(
        "peak live data after a collection (jvm_gc_live_data_size)",
        r -> r.peakLiveDataBytes(),
        mib);
    rows.add("heap retained after a full GC at the end", r -> r.retainedHeapBytes(), mib);
    rows.add(
        "  minus idle, per resource (KiB)",
        r -> (r.retainedHeapBytes() - r.idleHeapBytes()) / 1024 / r.count(),
        two);
    rows.add("max heap (jvm_memory_max_bytes)", r -> r.heapMaxBytes(), mib);
    table.section(
        "CPU time from the first create to the end of the settle window (/proc/<pid>/stat)");
    rows.add("operator", ScaleRun.Result::operatorCpuSeconds, secs);
    rows.add(
        "  of which its JIT compiler threads (C1, C2: a cold JVM)",
        ScaleRun.Result::operatorJitCpuSeconds,
        secs);
    rows.add("kube-apiserver", ScaleRun.Result::apiServerCpuSeconds, secs);
    rows.add("etcd", ScaleRun.Result::etcdCpuSeconds, secs);
    rows.add(
        "  operator / kube-apiserver", r -> r.operatorCpuSeconds() / r.apiServerCpuSeconds(), two);
    rows.add(
        "this benchmark's JVM (load generator, watches)", ScaleRun.Result::benchCpuSeconds, secs);
    table.section("machine (shared by several engineers' builds: see the load)");
    rows.text("CPUs", r -> Integer.toString(Runtime.getRuntime().availableProcessors()));
    rows.text(
        "load average at start / end", r -> "%.2f / %.2f".formatted(r.loadStart(), r.loadEnd()));
    return table;
  }

  static List<String> verdicts(BenchSettings settings, List<ScaleRun.Result> results) {
    List<String> lines = new ArrayList<>();
    boolean allConverged = results.stream().allMatch(ScaleRun.Result::converged);
    lines.add(
        verdict(
            allConverged
                && results.stream()
                    .allMatch(
                        r ->
                            r.childWrites() + r.statusWrites() <= r.minimalWrites()
                                && r.writeRequests() <= r.minimalWrites()
                                && r.writesAfter() == 0
                                && r.writeRequestsAfter() == 0),
            "API writes minimal and zero after convergence",
            join(
                results,
                r ->
                    notConverged(r)
                        + ("%,d: %,d writes (%,d write requests) for a minimum of %,d,"
                                + " %d (%d requests) in the %d s after")
                            .formatted(
                                r.count(),
                                r.childWrites() + r.statusWrites(),
                                r.writeRequests(),
                                r.minimalWrites(),
                                r.writesAfter(),
                                r.writeRequestsAfter(),
                                settings.settle().toSeconds()))));
    lines.add(
        verdict(
            allConverged
                && results.stream()
                    .allMatch(r -> r.reconciles() / r.count() <= TARGET_RECONCILES_PER_RESOURCE),
            "at most %.0f reconciles per resource".formatted(TARGET_RECONCILES_PER_RESOURCE),
            join(
                results,
                r ->
                    notConverged(r)
                        + "%,d: %.2f".formatted(r.count(), r.reconciles() / r.count()))));
    results.stream()
        .filter(r -> r.count() == TARGET_AFTER_LAST_CREATE_AT)
        .findFirst()
        .ifPresentOrElse(
            r ->
                lines.add(
                    verdict(
                        r.converged()
                            && r.afterLastCreateSeconds() <= TARGET_AFTER_LAST_CREATE_SECONDS,
                        "converged within %.0f s after the last create at %,d"
                            .formatted(
                                TARGET_AFTER_LAST_CREATE_SECONDS, TARGET_AFTER_LAST_CREATE_AT),
                        "%.1f s".formatted(r.afterLastCreateSeconds()))),
            () ->
                lines.add(
                    "n/a   converged within 10 s after the last create at 1,000: no 1,000 run"));
    ScaleRun.Result largest =
        results.stream().max((a, b) -> Integer.compare(a.count(), b.count())).orElseThrow();
    lines.add(
        verdict(
            largest.converged()
                && largest.operatorAlive()
                && largest.heapMaxBytes() <= TARGET_HEAP_BYTES
                && liveHeapBytes(largest) <= TARGET_LIVE_SHARE_OF_MAX_HEAP * largest.heapMaxBytes(),
            "heap under 256 MiB with -Xmx256m at %,d (live heap at most %.0f%% of the max)"
                .formatted(largest.count(), TARGET_LIVE_SHARE_OF_MAX_HEAP * 100),
            "max heap %s, live %s (peak live data %s, retained %s), peak used %s, operator %s"
                .formatted(
                    Table.mib(largest.heapMaxBytes()),
                    Table.mib(liveHeapBytes(largest)),
                    Table.mib(largest.peakLiveDataBytes()),
                    Table.mib(largest.retainedHeapBytes()),
                    Table.mib(largest.peakHeapUsedBytes()),
                    largest.operatorAlive() ? "alive (no OutOfMemoryError exit)" : "EXITED")));
    if (results.size() > 1) {
      ScaleRun.Result first = results.get(0);
      double scale = (double) largest.count() / first.count();
      double time = largest.convergedSeconds() / first.convergedSeconds();
      double heap = largest.retainedHeapBytes() / first.retainedHeapBytes();
      double rss = (double) largest.peakRssBytes() / first.peakRssBytes();
      lines.add(
          verdict(
              allConverged && time <= scale && heap <= scale && rss <= scale,
              "time and memory grow no faster than linearly (%,d vs %,d: x%.1f)"
                  .formatted(largest.count(), first.count(), scale),
              "time to converge x%.2f, retained heap x%.2f, peak RSS x%.2f"
                  .formatted(time, heap, rss)));
    }
    lines.add(
        verdict(
            results.stream()
                .allMatch(
                    r ->
                        r.operatorCpuSeconds()
                            <= TARGET_CPU_SHARE_OF_API_SERVER * r.apiServerCpuSeconds()),
            "operator CPU well under the API server's (at most %.0f%% of it)"
                .formatted(TARGET_CPU_SHARE_OF_API_SERVER * 100),
            join(
                results,
                r ->
                    "%,d: %.1f s vs %.1f s (%.0f%%)"
                        .formatted(
                            r.count(),
                            r.operatorCpuSeconds(),
                            r.apiServerCpuSeconds(),
                            100 * r.operatorCpuSeconds() / r.apiServerCpuSeconds()))));
    return lines;
  }

  /** The live heap: NaN (not met) when the operator exited before the full GC at the end. */
  static double liveHeapBytes(ScaleRun.Result r) {
    return Double.isNaN(r.retainedHeapBytes())
        ? Double.NaN
        : Math.max(r.peakLiveDataBytes(), r.retainedHeapBytes());
  }

  /** Marks the figures of a scale that did not converge: they cover only part of its work. */
  private static String notConverged(ScaleRun.Result r) {
    return r.converged() ? "" : r.operatorAlive() ? "(timed out) " : "(operator exited) ";
  }

  private static String verdict(boolean met, String target, String measured) {
    return "%-6s %s: %s".formatted(met ? "MET" : "MISSED", target, measured);
  }

  private static String join(List<ScaleRun.Result> results, Function<ScaleRun.Result, String> f) {
    return String.join("; ", results.stream().map(f).toList());
  }

  /** Where the benchmark writes logs, kubeconfigs and histograms. */
  static Path outputDir() {
    return repoRoot().resolve("operator").resolve("target").resolve("operator-bench");
  }

  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  static double thisJvmCpuSeconds() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() / 1e9
        : 0;
  }

  /** The repository root: {@code zeromesh.repo.root}, else the nearest directory with crds/. */
  static Path repoRoot() {
    String configured = System.getProperty("zeromesh.repo.root");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("crds")) && Files.isDirectory(dir.resolve("operator"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "cannot find the repository root (a directory with crds/ and operator/) above "
            + Path.of("").toAbsolutePath()
            + "; set -Dzeromesh.repo.root");
  }
}
