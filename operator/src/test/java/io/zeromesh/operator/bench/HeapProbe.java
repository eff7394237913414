package io.zeromesh.operator.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Heap of this JVM, read while the operator runs in it: a baseline before the operator starts, the
 * peak of used heap sampled every {@link #SAMPLE_INTERVAL_MS} ms (live data plus garbage not yet
 * collected), the peak of heap left after each collection (live data, from GC notifications) and
 * what is left after a full collection at the end. Every figure is reported minus the baseline.
 */
final class HeapProbe implements AutoCloseable {
  static final long SAMPLE_INTERVAL_MS = 100;

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final AtomicLong peakUsed = new AtomicLong();
  private final AtomicLong peakCommitted = new AtomicLong();
  private final AtomicLong peakAfterGc = new AtomicLong();
  private final AtomicLong collections = new AtomicLong();
  private final List<Runnable> unsubscribe = new ArrayList<>();
  private final Thread sampler;
  private volatile boolean running = true;

  private final Baseline baseline;

  /** The heap and non-heap left after a full collection, in bytes. */
  record Baseline(long heapUsed, long nonHeapUsed) {}

  /** The figures of one run, in bytes, each already minus the baseline. */
  record Figures(
      Baseline baseline,
      long peakUsed,
      long peakAfterGc,
      long retainedAfterFullGc,
      long peakCommitted,
      long nonHeapGrowth,
      long collections) {}

  private HeapProbe(Baseline baseline) {
    this.baseline = baseline;
    subscribeToCollections();
    sampler = new Thread(this::sample, "bench-heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Heap used after full collections, for a baseline taken outside a probe. */
  static long settledHeapUsed() {
    return settle().heapUsed();
  }

  /** Takes the baseline now (after a full collection) and starts sampling. */
  static HeapProbe startWithBaseline() {
    return new HeapProbe(settle());
  }

  long baselineHeapUsed() {
    return baseline.heapUsed();
  }

  /** Stops sampling, collects fully and returns the figures minus the baseline. */
  Figures finish() {
    close();
    Baseline end = settle();
    return new Figures(
        baseline,
        Math.max(0, peakUsed.get() - baseline.heapUsed()),
        Math.max(0, peakAfterGc.get() - baseline.heapUsed()),
        end.heapUsed() - baseline.heapUsed(),
        peakCommitted.get(),
        end.nonHeapUsed() - baseline.nonHeapUsed(),
        collections.get());
  }

  @Override
  public void close() {
    if (!running) {
      return;
    }
    running = false;
    sampler.interrupt();
    try {
      sampler.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    unsubscribe.forEach(Runnable::run);
  }

  /**
   * Full collections until used heap stops shrinking (at most five): one {@code System.gc()} may
   * leave objects with finalizers or soft references for the next.
   */
  private static Baseline settle() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long previous = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      long used = memory.getHeapMemoryUsage().getUsed();
      if (used >= previous - previous / 100) {
        break;
      }
      previous = used;
      try {
        Thread.sleep(200); // lets reference processing and finalizers run between collections
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return new Baseline(
        memory.getHeapMemoryUsage().getUsed(), memory.getNonHeapMemoryUsage().getUsed());
  }

  private void sample() {
    while (running) {
      MemoryUsage heap = memory.getHeapMemoryUsage();
      peakUsed.accumulateAndGet(heap.getUsed(), Math::max);
      peakCommitted.accumulateAndGet(heap.getCommitted(), Math::max);
      try {
        Thread.sleep(SAMPLE_INTERVAL_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void subscribeToCollections() {
    List<String> heapPools =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .map(p -> p.getName())
            .toList();
    NotificationListener listener =
        (Notification notification, Object handback) -> {
          if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
              notification.getType())) {
            return;
          }
          GarbageCollectionNotificationInfo info =
              GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
          long after =
              info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                  .filter(e -> heapPools.contains(e.getKey()))
                  .mapToLong(e -> e.getValue().getUsed())
                  .sum();
          collections.incrementAndGet();
          if (running) {
            peakAfterGc.accumulateAndGet(after, Math::max);
          }
        };
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        unsubscribe.add(
            () -> {
              try {
                emitter.removeNotificationListener(listener);
              } catch (ListenerNotFoundException ignored) {
                // already gone
              }
            });
      }
    }
  }
}
