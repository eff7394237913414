package io.zeromesh.operator.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What Linux's {@code /proc} says about one process: CPU time used so far ({@code utime + stime} of
 * {@code /proc/<pid>/stat}) and resident memory ({@code VmRSS}, and its peak {@code VmHWM}, of
 * {@code /proc/<pid>/status}).
 */
final class ProcStats {
  /** USER_HZ: the unit of utime and stime; 100 on every Linux the JDK runs on (x86-64, arm64). */
  static final long CLOCK_TICKS_PER_SECOND = 100;

  private ProcStats() {}

  /** CPU seconds (user + system) the process has used since it started. */
  static double cpuSeconds(long pid) {
    return ticksSeconds(read(Path.of("/proc", Long.toString(pid), "stat")));
  }

  /** utime + stime of a {@code stat} line (of a process or of one of its threads), in seconds. */
  static double ticksSeconds(String stat) {
    // The command name (field 2) is in parentheses and may hold spaces: count after the last ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks / (double) CLOCK_TICKS_PER_SECOND;
  }

  /**
   * CPU seconds of each live thread of the process whose name ({@code /proc/<pid>/task/<tid>/comm})
   * starts with {@code prefix}, by thread id. A thread that ended is no longer listed (its time
   * stays in the process's): sample often and keep the largest reading per thread.
   */
  static java.util.Map<Long, Double> threadCpuSeconds(long pid, String prefix) {
    java.util.Map<Long, Double> threads = new java.util.HashMap<>();
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    try (java.util.stream.Stream<Path> list = Files.list(tasks)) {
      for (Path task : list.toList()) {
        try {
          if (Files.readString(task.resolve("comm")).startsWith(prefix)) {
            threads.put(
                Long.parseLong(task.getFileName().toString()),
                ticksSeconds(Files.readString(task.resolve("stat"))));
          }
        } catch (NoSuchFileException ended) {
          // the thread ended between the listing and the read
        }
      }
    } catch (NoSuchFileException e) {
      throw new IllegalStateException("process " + pid + " is gone", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return threads;
  }

  /** Peak resident set size so far (VmHWM), in bytes. */
  static long peakRssBytes(long pid) {
    return statusKib(pid, "VmHWM") * 1024;
  }

  /** Resident set size now (VmRSS), in bytes. */
  static long rssBytes(long pid) {
    return statusKib(pid, "VmRSS") * 1024;
  }

  private static long statusKib(long pid, String field) {
    for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
      }
    }
    throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new IllegalStateException("process " + file.getName(1) + " is gone", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
