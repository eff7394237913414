package io.zeromesh.operator.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.management.ObjectName;

/**
 * The classes that hold the heap, as {@code jcmd <pid> GC.class_histogram} prints them (it collects
 * first, so only live objects count): the full list to a file, the top to the table's reader, to
 * tell the operator's caches from the rest.
 */
final class HeapHistogram {
  private HeapHistogram() {}

  /** Writes the histogram to {@code file} and returns its first {@code top} classes. */
  static List<String> write(Path file, int top) {
    try {
      String histogram =
          (String)
              ManagementFactory.getPlatformMBeanServer()
                  .invoke(
                      new ObjectName("com.sun.management:type=DiagnosticCommand"),
                      "gcClassHistogram",
                      new Object[] {new String[0]},
                      new String[] {String[].class.getName()});
      Files.createDirectories(file.getParent());
      Files.writeString(file, histogram);
      return histogram.lines().limit(top + 3L).toList();
    } catch (Exception e) {
      return List.of("(no class histogram: " + e + ")");
    }
  }
}
