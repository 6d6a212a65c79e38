package io.ddb2delta.cdc;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Measures what the committer's dedup memory ({@link HandledIds}) holds at a given change rate: it
 * records one batch per commit interval, each of {@code rate × interval} event ids, for one
 * horizon, then prints the heap it retains after a full GC and the cost of a lookup.
 *
 * <p>{@code java ... DedupMemoryBenchmark [rate/s] [horizon s] [commit interval s]}, defaults
 * 10,000, 180 and 2: the job's defaults at 10,000 changes/s. Run it with a fixed heap and no other
 * load, e.g. {@code -Xmx2g -XX:+UseParallelGC}.
 */
public final class DedupMemoryBenchmark {
  private DedupMemoryBenchmark() {}

  public static void main(String[] args) throws IOException {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int horizonSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 180;
    int intervalSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    int batches = horizonSeconds / intervalSeconds;
    int perBatch = rate * intervalSeconds;
    Path dir = Files.createTempDirectory("ddb2delta-dedup-");
    long before = usedHeapAfterGc();
    HandledIds handled = new HandledIds(dir.toString(), horizonSeconds * 1000L);
    long now = System.currentTimeMillis() - horizonSeconds * 1000L + 1000;
    List<String> probes = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      List<String> ids = new ArrayList<>(perBatch);
      for (int i = 0; i < perBatch; i++) {
        ids.add("event:" + UUID.randomUUID());
      }
      probes.add(ids.get(b % perBatch));
      handled.record(b, now, ShardPositions.empty(), ids);
      now += intervalSeconds * 1000L;
    }
    long retained = usedHeapAfterGc() - before;
    long found = 0;
    long start = System.nanoTime();
    int lookups = 1_000_000;
    for (int i = 0; i < lookups; i++) {
      String id = (i & 1) == 0 ? probes.get(i % probes.size()) : "event:absent-" + i;
      if (handled.batchOf(id) != null) {
        found++;
      }
    }
    double nsPerLookup = (System.nanoTime() - start) / (double) lookups;
    System.out.printf(
        Locale.ROOT,
        "dedup memory: %,d ids (%,d/s for %d s, %d batches): %,.1f MiB retained, %.1f bytes per"
            + " id; lookup %.0f ns (%,d of %,d found)%n",
        handled.size(),
        rate,
        horizonSeconds,
        batches,
        retained / 1048576.0,
        retained / (double) handled.size(),
        nsPerLookup,
        found,
        lookups);
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return heap.getUsed();
  }
}
