package io.zeromesh.broker.probe;

import io.zeromesh.broker.testing.ProbeSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/** A probe run on a thread of the test JVM, with its stdout and stderr captured. */
final class InProcessProbe {
  final ProbeConfig config;
  final AtomicBoolean stop = new AtomicBoolean();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final CompletableFuture<Integer> exit;

  private InProcessProbe(ProbeConfig config, ProbeLinks.Resolver resolver) {
    this.config = config;
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    exit =
        CompletableFuture.supplyAsync(
            () -> ProbeMain.run(config, stop, o, e, resolver), Runner.POOL);
  }

  static InProcessProbe start(String... args) {
    return start(ProbeLinks.Resolver.SYSTEM, args);
  }

  /** A probe whose host names resolve through {@code resolver} (a test's name table). */
  static InProcessProbe start(ProbeLinks.Resolver resolver, String... args) {
    return new InProcessProbe(ProbeConfig.parse(List.of(args), Map.of()), resolver);
  }

  /** Waits for the end (bounded) and returns the exit code. */
  int exitCode(Duration bound) {
    try {
      return exit.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      stop.set(true);
      throw new AssertionError("probe still running after " + bound + ": " + stderr());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (ExecutionException e) {
      throw new AssertionError("probe failed: " + stderr(), e.getCause());
    }
  }

  ProbeSummary summary() {
    return ProbeSummary.ofStdout(out.toString(StandardCharsets.UTF_8));
  }

  String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** Asks it to stop (as SIGTERM does) and waits for the exit code. */
  int stop(Duration bound) {
    stop.set(true);
    return exitCode(bound);
  }

  private static final class Runner {
    static final java.util.concurrent.ExecutorService POOL =
        java.util.concurrent.Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "probe-under-test");
              t.setDaemon(true);
              return t;
            });
  }
}
