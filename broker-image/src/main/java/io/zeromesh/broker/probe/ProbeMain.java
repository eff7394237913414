package io.zeromesh.broker.probe;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.zeromq.ZContext;

/**
 * {@code zeromesh-broker probe MODE --endpoint E [flags]}: a ZeroMQ client or server that moves
 * real messages and reports them as one JSON line on stdout (docs/contracts.md). Exit 0 when its
 * expectation is met, 1 when not, 2 on bad flags ({@link io.zeromesh.broker.config
 * .ConfigException}, reported by {@code Main}).
 */
public final class ProbeMain {
  private ProbeMain() {}

  public static int run(List<String> args, Map<String, String> env) {
    if (ProbeConfig.wantsHelp(args)) {
      System.out.print(ProbeConfig.help());
      return 0;
    }
    JvmDns.shortTtl();
    ProbeConfig cfg = ProbeConfig.parse(args, env);
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch reported = new CountDownLatch(1);
    // SIGTERM: stop the loop and let the summary out before the JVM ends.
    Thread hook =
        new Thread(
            () -> {
              stop.set(true);
              try {
                reported.await(ProbeRunner.FLUSH_MS + 2000, TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "probe-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return run(cfg, stop, System.out, System.err);
    } finally {
      reported.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it has what it waited for
      }
    }
  }

  /** Runs a parsed probe: prints the summary on {@code out}, diagnostics on {@code err}. */
  public static int run(ProbeConfig cfg, AtomicBoolean stop, PrintStream out, PrintStream err) {
    return run(cfg, stop, out, err, ProbeLinks.Resolver.SYSTEM);
  }

  /** As {@link #run(ProbeConfig, AtomicBoolean, PrintStream, PrintStream)}, names resolved so. */
  static int run(
      ProbeConfig cfg,
      AtomicBoolean stop,
      PrintStream out,
      PrintStream err,
      ProbeLinks.Resolver resolver) {
    ProbeStats stats = new ProbeStats(cfg.mode().label(), cfg.identity());
    ProbeRunner runner = new ProbeRunner(cfg, stats, stop, err, resolver);
    err.println(
        "probe "
            + cfg.mode().label()
            + ": "
            + (cfg.bind() ? "bind " : "connect ")
            + String.join(",", cfg.endpoints())
            + (cfg.outputs().isEmpty() ? "" : " -> " + String.join(",", cfg.outputs()))
            + (cfg.curve() != null ? " (CURVE client)" : ""));
    boolean ok;
    String failure = null;
    try (ZContext ctx = new ZContext(1)) {
      ok = runner.run(ctx);
      if (!ok) {
        failure = runner.shortfall();
      }
    } catch (ProbeRunner.ProbeFailure e) {
      stats.finish();
      ok = false;
      failure = e.getMessage();
    }
    if (failure != null) {
      err.println("probe " + cfg.mode().label() + ": " + failure);
    }
    out.println(stats.toJson(ok));
    out.flush();
    return ok ? 0 : 1;
  }
}
