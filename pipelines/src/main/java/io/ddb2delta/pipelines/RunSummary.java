package io.ddb2delta.pipelines;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one run did: the records it read, the rows each table gained (read back from the committed
 * Delta tables, not from metrics), and what it cost.
 */
public record RunSummary(
    String description,
    long recordsRead,
    Map<String, Long> rowsAdded,
    String quarantineTable,
    boolean alreadyLoaded,
    double wallSeconds,
    double cpuSeconds,
    long peakRssBytes,
    Map<String, Long> counters) {

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  public RunSummary {
    rowsAdded = new LinkedHashMap<>(rowsAdded);
    counters = new LinkedHashMap<>(counters);
  }

  /** A summary without streaming counters (an export load). */
  public RunSummary(
      String description,
      long recordsRead,
      Map<String, Long> rowsAdded,
      String quarantineTable,
      boolean alreadyLoaded,
      double wallSeconds,
      double cpuSeconds,
      long peakRssBytes) {
    this(
        description,
        recordsRead,
        rowsAdded,
        quarantineTable,
        alreadyLoaded,
        wallSeconds,
        cpuSeconds,
        peakRssBytes,
        Map.of());
  }

  public long quarantined() {
    return rowsAdded.getOrDefault(quarantineTable, 0L);
  }

  public String render() {
    StringBuilder out = new StringBuilder();
    out.append(description).append('\n');
    if (alreadyLoaded) {
      out.append(
          "  already loaded: every table records this load's transaction; nothing written\n");
    }
    for (Map.Entry<String, Long> e : rowsAdded.entrySet()) {
      out.append(String.format(Locale.ROOT, "  %-24s +%,d rows%n", e.getKey(), e.getValue()));
    }
    out.append(
        String.format(
            Locale.ROOT, "  records read %,d, quarantined %,d%n", recordsRead, quarantined()));
    if (!counters.isEmpty()) {
      out.append("  ");
      counters.forEach((k, v) -> out.append(String.format(Locale.ROOT, "%s %,d  ", k, v)));
      out.setLength(out.length() - 2);
      out.append('\n');
    }
    if (wallSeconds > 0) {
      out.append(
          String.format(
              Locale.ROOT,
              "  %.1f s wall, %.1f s CPU: %,.0f records/s, %,.0f records per CPU-second%n",
              wallSeconds,
              cpuSeconds,
              recordsRead / wallSeconds,
              cpuSeconds > 0 ? recordsRead / cpuSeconds : 0));
    }
    if (peakRssBytes > 0) {
      out.append(String.format(Locale.ROOT, "  peak RSS %,d MiB%n", peakRssBytes >> 20));
    }
    return out.toString();
  }

  /** The summary as one JSON object, for the benchmark harness and for orchestration. */
  public String toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("description", description);
    json.put("recordsRead", recordsRead);
    json.put("quarantined", quarantined());
    json.put("alreadyLoaded", alreadyLoaded);
    json.put("rowsAdded", rowsAdded);
    json.put("wallSeconds", wallSeconds);
    json.put("cpuSeconds", cpuSeconds);
    json.put("peakRssBytes", peakRssBytes);
    json.put("counters", counters);
    try {
      return JSON.writeValueAsString(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The process's peak resident set size (Linux VmHWM), or -1 where it cannot be read. */
  public static long readPeakRssBytes() {
    try {
      for (String line :
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
