package io.zeromesh.operator.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.ConfigurationService;
import io.zeromesh.operator.api.v1alpha1.DeviceKind;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import io.zeromesh.operator.it.ClusterFixture;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The operator benchmark ({@code make operator-bench}): how fast, and in how much heap, the
 * operator brings 1,000 custom resources to their desired state on a real API server.
 *
 * <ol>
 *   <li>Starts kube-apiserver and etcd (fabric8 kube-api-test) from the binaries {@code make
 *       cluster-binaries} caches under {@code $ZEROMESH_CACHE/kube-api-test} (never downloads;
 *       fails at once, naming that target, when they are missing; the API server gets a /16 service
 *       range, see {@link #widenServiceRange}), applies {@code crds/} and starts the operator's
 *       three reconcilers in this JVM: all of it is the integration tests' {@link ClusterFixture},
 *       reused with one change: a {@link ReconcileCounter} as JOSDK's metrics (otherwise plain
 *       JOSDK with its default configuration: the production reconcilers and dependents, not the
 *       Quarkus application around them).
 *   <li>Creates the resources of a {@link Workload} (40% ZmqBroker, half with 2 workers, a fifth
 *       with CURVE; 30% ZmqForwarder, half cascading from another, a fifth with CURVE; 30%
 *       ZmqPipelineStage, each with a worker and an output) over a few namespaces, with 4
 *       concurrent creates.
 *   <li>Polls with paged list calls until every resource has a status for its generation and every
 *       expected child exists ({@link ExpectedChildren}: device Deployment, frontend and backend
 *       Services, worker Deployment, generated CURVE Secret), bounded by a timeout.
 *   <li>Prints a table: time to converge, reconciles (counted by JOSDK's metrics) and their rate,
 *       the operator's writes and their rate ({@link OperatorWrites}: status writes are a lower
 *       bound of reconciliations), writes in the 10 s after convergence (a reconcile loop shows
 *       here), heap ({@link HeapProbe}), CPU time of this JVM and of kube-apiserver + etcd; then
 *       the live heap by class ({@link HeapHistogram}, in full in {@code
 *       operator/target/operator-bench/heap-histogram.txt}).
 * </ol>
 *
 * <p>Heap: the operator runs in this JVM, so every heap figure is a difference from a baseline
 * taken after full collections before the API server and the operator start; it includes the
 * benchmark's own client and watches (small, transient lists aside). No pods run (no kubelet or
 * controller-manager): Deployments never become available, so Ready stays False; that is expected
 * and the table lists the reasons. The operator's log goes to {@code
 * operator/target/operator-bench/operator.log}. {@code BENCH_JVM_ARGS=-Xmx384m} gives the heap the
 * chart's default container (512Mi limit, MaxRAMPercentage=75) would.
 *
 * <p>System properties (all optional): {@code bench.count} (1000), {@code bench.namespaces} (4),
 * {@code bench.timeoutSeconds} (300), {@code bench.pollMillis} (1000), {@code bench.createThreads}
 * (4), {@code zeromesh.kube-api-test.dir} ({@code $ZEROMESH_CACHE/kube-api-test}), {@code
 * zeromesh.kube-api-test.version} (1.20.2), {@code zeromesh.repo.root} (found from the working
 * directory). Exit code 0 when it converged (goals met or not: the table says), 1 when it did not,
 * 2 on bad settings or missing binaries.
 */
public final class ReconcileBenchmark {
  /** Goals of issue 4: 1,000 resources converged in under 60 s, in under 300 MiB, on 2 cores. */
  static final double GOAL_SECONDS = 60;

  static final long GOAL_HEAP_BYTES = 300L * 1024 * 1024;

  /** Time after convergence during which further writes are counted (a loop detector). */
  static final long SETTLE_MILLIS = 10_000;

  static final String SERVICE_RANGE = "10.0.0.0/16";

  private static final String[] BINARIES = {"kube-apiserver", "etcd", "kubectl"};

  private ReconcileBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchSettings settings;
    try {
      settings = BenchSettings.fromSystemProperties();
      requireBinaries(settings);
      System.setProperty(
          BenchSettings.KUBE_API_TEST_DIR, widenServiceRange(settings, outputDir()).toString());
      System.setProperty(BenchSettings.KUBE_API_TEST_VERSION, settings.kubernetesVersion());
      System.setProperty("zeromesh.repo.root", repoRoot().toString());
      logToFile(outputDir().resolve("operator.log"));
    } catch (RuntimeException | IOException e) {
      System.err.println("operator-bench: " + e.getMessage());
      System.exit(2);
      return;
    }
    boolean converged;
    try {
      converged = run(settings);
    } catch (Exception e) {
      System.err.println("operator-bench: failed: " + e);
      e.printStackTrace();
      System.exit(1);
      return;
    }
    // The fixture stops the operator and the API server in its shutdown hook.
    System.out.println("bench: the operator's log: " + outputDir().resolve("operator.log"));
    System.exit(converged ? 0 : 1);
  }

  private static boolean run(BenchSettings settings) throws Exception {
    Workload workload = Workload.of(settings.count(), settings.namespaces());
    ExpectedChildren expected = ExpectedChildren.of(workload.resources());
    String mix =
        "%d resources (%d ZmqBroker, %d ZmqForwarder, %d ZmqPipelineStage) in %d namespaces"
            .formatted(
                workload.resources().size(),
                workload.count(DeviceKind.BROKER),
                workload.count(DeviceKind.FORWARDER),
                workload.count(DeviceKind.PIPELINE_STAGE),
                settings.namespaces());
    System.out.println("bench: " + mix + ", " + expected.total() + " children expected");

    HeapProbe heap = HeapProbe.startWithBaseline();
    long started = System.nanoTime();
    ReconcileCounter reconciles = new ReconcileCounter();
    ClusterFixture cluster = ClusterFixture.get(o -> o.withMetrics(reconciles));
    long idleHeap = HeapProbe.settledHeapUsed() - heap.baselineHeapUsed();
    System.out.printf(
        "bench: API server and operator up in %.1f s%n", (System.nanoTime() - started) / 1e9);

    KubernetesClient client = cluster.client();
    Convergence convergence = new Convergence(client, workload.resources().size(), expected);
    double loadStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    long cpuStart = processCpuNanos();
    long serverCpuStart = childrenCpuNanos();
    for (String ns : workload.namespaces()) {
      client
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }

    Convergence.Snapshot snapshot = null;
    double createSeconds;
    double convergedSeconds;
    boolean byWatches;
    double roundSeconds = 0;
    double peakRate = 0;
    OperatorWrites.Count atConvergence;
    OperatorWrites.Count settled;
    ReconcileCounter.Count reconcilesAtConvergence;
    ReconcileCounter.Count reconcilesSettled;
    long watchErrors;
    try (OperatorWrites writes =
        new OperatorWrites(client, workload.resources().size(), expected)) {
      OperatorWrites.Count before = writes.now();
      ReconcileCounter.Count reconcilesBefore = reconciles.now();
      long t0 = System.nanoTime();
      createSeconds = create(client, workload.resources(), settings.createThreads());
      System.out.printf(
          "bench: created %d resources in %.1f s; waiting for the operator%n",
          workload.resources().size(), createSeconds);

      // The watches time the convergence; list calls confirm it (and stand in for a broken watch).
      long deadline = t0 + settings.timeout().toNanos();
      long lastProgress = 0;
      OperatorWrites.Count previous = before;
      long previousAt = t0;
      long listedCompleteAt = 0;
      while (true) {
        long now = System.nanoTime();
        OperatorWrites.Count count = writes.now();
        peakRate =
            Math.max(
                peakRate,
                count.minus(previous).statusWrites() / Math.max(1e-3, (now - previousAt) / 1e9));
        previous = count;
        previousAt = now;
        if (writes.completedAt().isPresent() || writes.watchErrors() > 0 || now > deadline) {
          long roundStart = System.nanoTime();
          snapshot = convergence.look();
          listedCompleteAt = System.nanoTime();
          roundSeconds = Math.max(roundSeconds, (listedCompleteAt - roundStart) / 1e9);
          if (snapshot.complete() || now > deadline) {
            break;
          }
        }
        if (now - lastProgress > TimeUnit.SECONDS.toNanos(5)) {
          System.out.printf(
              "bench: %5.1f s  %s, status writes %d%n",
              (now - t0) / 1e9, writes.progress(), count.minus(before).statusWrites());
          lastProgress = now;
        }
        Thread.sleep(settings.pollInterval().toMillis());
      }
      byWatches = writes.completedAt().isPresent() && writes.watchErrors() == 0;
      convergedSeconds =
          ((byWatches ? writes.completedAt().getAsLong() : listedCompleteAt) - t0) / 1e9;
      atConvergence = writes.now().minus(before);
      reconcilesAtConvergence = reconciles.now().minus(reconcilesBefore);
      settled = atConvergence;
      reconcilesSettled = reconcilesAtConvergence;
      if (snapshot.complete()) {
        Thread.sleep(SETTLE_MILLIS);
        settled = writes.now().minus(before);
        reconcilesSettled = reconciles.now().minus(reconcilesBefore);
      }
      watchErrors = writes.watchErrors();
    }
    boolean converged = snapshot.complete();
    double loadEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
    double serverCpuSeconds = (childrenCpuNanos() - serverCpuStart) / 1e9;
    workload = null; // only the operator's state should be left for the final collection
    HeapProbe.Figures memory = heap.finish();

    Table table = new Table();
    table.section(mix);
    table.row(
        "time to converge (first create -> every status and child)",
        converged
            ? Table.seconds(convergedSeconds)
            : "NOT within " + Table.seconds(convergedSeconds),
        "< 60 s",
        converged && convergedSeconds < GOAL_SECONDS ? "met" : "MISSED");
    table.row("  of which creating the resources (client side)", Table.seconds(createSeconds));
    table.row("  after the last create", Table.seconds(convergedSeconds - createSeconds));
    table.row(
        "  timed by",
        byWatches
            ? "watch events"
            : "list rounds, +-"
                + Table.seconds(settings.pollInterval().toMillis() / 1000.0 + roundSeconds));
    table.row(
        "resources with status.observedGeneration",
        "%d / %d".formatted(snapshot.observed(), snapshot.resources()));
    table.row(
        "children present (Deployments, Services, Secrets)",
        "%d / %d".formatted(snapshot.childrenPresent(), snapshot.childrenExpected()));
    table.row(
        "reconciles until converged (JOSDK metrics)",
        String.valueOf(reconcilesAtConvergence.started()));
    table.row(
        "  per second, mean until converged",
        "%.1f".formatted(reconcilesAtConvergence.started() / convergedSeconds));
    table.row("  of which failed", String.valueOf(reconcilesAtConvergence.failed()));
    table.row(
        "reconciles in the %d s after convergence".formatted(SETTLE_MILLIS / 1000),
        converged
            ? String.valueOf(reconcilesSettled.started() - reconcilesAtConvergence.started())
            : "n/a");
    table.row("status writes until converged", String.valueOf(atConvergence.statusWrites()));
    table.row(
        "  per second, mean until converged",
        "%.1f".formatted(atConvergence.statusWrites() / convergedSeconds));
    table.row("  per second, peak over one poll round", "%.1f".formatted(peakRate));
    table.row("child writes until converged", String.valueOf(atConvergence.childWrites()));
    table.row(
        "status + child writes in the %d s after convergence".formatted(SETTLE_MILLIS / 1000),
        converged
            ? String.valueOf(
                settled.statusWrites()
                    - atConvergence.statusWrites()
                    + settled.childWrites()
                    - atConvergence.childWrites())
            : "n/a");
    if (watchErrors > 0) {
      table.row("watches closed with an error (counts incomplete)", String.valueOf(watchErrors));
    }
    table.section("heap of this JVM minus the baseline before the API server and operator started");
    table.row("operator idle (started, no resources)", Table.mib(idleHeap));
    table.row(
        "peak used, sampled every 100 ms (live + garbage)",
        Table.mib(memory.peakUsed()),
        "< 300 MiB",
        memory.peakUsed() < GOAL_HEAP_BYTES ? "met" : "MISSED");
    table.row("peak after a collection (live + old garbage)", Table.mib(memory.peakAfterGc()));
    table.row(
        "retained after a full GC at the end",
        Table.mib(memory.retainedAfterFullGc()),
        "< 300 MiB",
        memory.retainedAfterFullGc() < GOAL_HEAP_BYTES ? "met" : "MISSED");
    table.row("peak committed heap (absolute)", Table.mib(memory.peakCommitted()));
    table.row("non-heap growth (metaspace, code cache)", Table.mib(memory.nonHeapGrowth()));
    table.row("garbage collections", String.valueOf(memory.collections()));
    table.section("machine and settings (shared machine: see the load)");
    table.row(
        "CPUs / max heap / GC",
        "%d / %s / %s"
            .formatted(
                Runtime.getRuntime().availableProcessors(),
                Table.mib(Runtime.getRuntime().maxMemory()),
                String.join(
                    "+",
                    ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(gc -> gc.getName())
                        .toList())));
    table.row("load average at start / end", "%.2f / %.2f".formatted(loadStart, loadEnd));
    table.row("CPU time of this JVM (operator + benchmark)", Table.seconds(cpuSeconds));
    table.row("CPU time of kube-apiserver + etcd", Table.seconds(serverCpuSeconds));
    table.row(
        "JOSDK reconcile threads (fixture: JOSDK default)",
        String.valueOf(ConfigurationService.DEFAULT_RECONCILIATION_THREADS_NUMBER));
    System.out.println();
    System.out.print(table.render());
    System.out.println();
    System.out.println("bench: Ready conditions at the end: " + snapshot.readyReasons());
    Path histogram = outputDir().resolve("heap-histogram.txt");
    System.out.println("bench: live heap by class at the end (all of it in " + histogram + "):");
    HeapHistogram.write(histogram, 15).forEach(line -> System.out.println("  " + line));
    if (!converged) {
      System.out.printf(
          "bench: NOT converged within %d s: %s; missing e.g. %s%n",
          settings.timeout().toSeconds(), snapshot.progress(), snapshot.missingExamples());
    }
    return converged;
  }

  /** Creates the resources with a few concurrent callers; returns the seconds it took. */
  private static double create(KubernetesClient client, List<ZmqDevice> resources, int threads)
      throws Exception {
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger next = new AtomicInteger();
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
                      client.resource(device).create();
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

  /** Fails at once, naming the make target that builds them, when the binaries are missing. */
  static void requireBinaries(BenchSettings settings) {
    Path dir =
        settings
            .kubeApiTestDir()
            .resolve("k8s")
            .resolve(settings.kubernetesVersion() + "-linux-amd64");
    List<String> missing = new ArrayList<>();
    for (String binary : BINARIES) {
      if (!Files.isExecutable(dir.resolve(binary))) {
        missing.add(binary);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "no %s in %s: run `make cluster-binaries` first (it builds Kubernetes %s from Debian's"
                  .formatted(String.join(", ", missing), dir, settings.kubernetesVersion())
              + " source once and caches it; the benchmark never downloads binaries)");
    }
  }

  /**
   * kube-api-test starts kube-apiserver with {@code --service-cluster-ip-range 10.0.0.0/24}: 253
   * ClusterIPs, while 1,000 resources need 2,000 Services (a real cluster has a /12 or so). This
   * lays out the cached binaries again under {@code dir}, the API server behind a script that
   * appends {@value #SERVICE_RANGE} (the last occurrence of a flag wins); returns the new
   * kube-api-test directory.
   */
  static Path widenServiceRange(BenchSettings settings, Path dir) throws IOException {
    String platform = settings.kubernetesVersion() + "-linux-amd64";
    Path cached = settings.kubeApiTestDir().resolve("k8s").resolve(platform);
    Path testDir = dir.resolve("kube-api-test");
    Path bin = testDir.resolve("k8s").resolve(platform);
    Files.createDirectories(bin);
    for (String binary : new String[] {"etcd", "kubectl"}) {
      Files.deleteIfExists(bin.resolve(binary));
      Files.createSymbolicLink(bin.resolve(binary), cached.resolve(binary));
    }
    Path apiServer = bin.resolve("kube-apiserver");
    Files.writeString(
        apiServer,
        "#!/bin/sh\n# written by the operator benchmark: a service range for 2,000 Services\n"
            + "exec '%s' \"$@\" --service-cluster-ip-range %s\n"
                .formatted(cached.resolve("kube-apiserver"), SERVICE_RANGE));
    apiServer.toFile().setExecutable(true);
    return testDir;
  }

  /** Where the benchmark writes the operator's log. */
  static Path outputDir() {
    return repoRoot().resolve("operator").resolve("target").resolve("operator-bench");
  }

  /**
   * Sends every log record (operator, JOSDK, fabric8) to a file at INFO, as the operator logs in
   * production, so the table stays readable.
   */
  private static void logToFile(Path log) throws IOException {
    Files.createDirectories(log.getParent());
    Files.deleteIfExists(log);
    Logger root = Logger.getLogger("");
    for (Handler handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    FileHandler file = new FileHandler(log.toString(), true);
    file.setFormatter(new SimpleFormatter());
    file.setLevel(Level.INFO);
    root.addHandler(file);
    root.setLevel(Level.INFO);
    // The API server's own output is relayed at INFO; keep its warnings only.
    Logger.getLogger("io.fabric8.kubeapitest.process").setLevel(Level.WARNING);
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

  /** CPU used so far by the processes this JVM started: kube-apiserver and etcd. */
  private static long childrenCpuNanos() {
    return ProcessHandle.current()
        .descendants()
        .mapToLong(p -> p.info().totalCpuDuration().map(d -> d.toNanos()).orElse(0L))
        .sum();
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }
}
