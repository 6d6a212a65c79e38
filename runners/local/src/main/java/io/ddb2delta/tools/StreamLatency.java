package io.ddb2delta.tools;

import io.ddb2delta.cdc.ShardPositions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pure part of {@link BenchmarkStreaming}: joins what the load generator wrote with the bronze
 * rows that landed, and summarises end-to-end latencies.
 *
 * <p>The join is per (table, key) and in order: the n-th logged change of a key is the n-th bronze
 * row of that key ordered by sequence number. This holds because one generator writes each key
 * (writes to a key are acknowledged, hence logged, in the order DynamoDB applied them) and the
 * source keeps one item's changes in sequence order.
 */
public final class StreamLatency {
  private StreamLatency() {}

  /** One bronze row, with the commit time of the Delta version that added its file. */
  public record BronzeRow(
      String table, String key, String eventId, String shard, String sequence, long commitMillis) {}

  /** One matched change. */
  public record Sample(String table, String key, String shard, long writeMillis, long latencyMs) {}

  /**
   * The join's outcome.
   *
   * @param samples one per logged change that found its bronze row, in log order
   * @param missing logged changes without a bronze row
   * @param extra bronze rows without a logged change (beyond a key's logged changes)
   * @param duplicates bronze rows whose event id another row already had
   */
  public record Joined(List<Sample> samples, long missing, long extra, long duplicates) {
    public boolean reconciled() {
      return missing == 0 && extra == 0 && duplicates == 0;
    }
  }

  /** p50, p90, p99 and max of some latencies, in ms, with how many there were. */
  public record Percentiles(long count, long p50, long p90, long p99, long max) {
    public static final Percentiles EMPTY = new Percentiles(0, 0, 0, 0, 0);
  }

  private static final Pattern SHARD =
      Pattern.compile("^(kinesis|stream) (\\S+) shard (\\S+) sequence (\\S+)$");

  /**
   * The shard and sequence number of a {@code source_position}: {@code [shard label, sequence]}.
   * The label is the Kinesis shard id, or {@code <table>/<shard id>} for a DynamoDB Stream, whose
   * ARN names the table.
   */
  public static String[] shardAndSequence(String sourcePosition) {
    Matcher m = SHARD.matcher(sourcePosition);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a stream position: " + sourcePosition);
    }
    String shard = m.group(3);
    if (m.group(1).equals("stream")) {
      String arn = m.group(2);
      int t = arn.indexOf(":table/");
      if (t >= 0) {
        int end = arn.indexOf('/', t + 7);
        shard = arn.substring(t + 7, end < 0 ? arn.length() : end) + "/" + shard;
      }
    }
    return new String[] {shard, m.group(4)};
  }

  /** Joins logged changes (in log order) with bronze rows (in any order). */
  public static Joined join(List<LoadLog.Entry> log, List<BronzeRow> bronze) {
    Map<String, List<BronzeRow>> byKey = new HashMap<>();
    Set<String> eventIds = new HashSet<>();
    long duplicates = 0;
    for (BronzeRow r : bronze) {
      if (!eventIds.add(r.eventId())) {
        duplicates++;
        continue;
      }
      byKey.computeIfAbsent(r.table() + '\u0000' + r.key(), k -> new ArrayList<>()).add(r);
    }
    Comparator<BronzeRow> bySequence = (a, b) -> ShardPositions.compare(a.sequence(), b.sequence());
    byKey.values().forEach(rows -> rows.sort(bySequence));
    Map<String, Integer> used = new HashMap<>();
    List<Sample> samples = new ArrayList<>(log.size());
    long missing = 0;
    for (LoadLog.Entry e : log) {
      String k = e.table() + '\u0000' + e.key();
      List<BronzeRow> rows = byKey.getOrDefault(k, List.of());
      int n = used.merge(k, 1, Integer::sum) - 1;
      if (n >= rows.size()) {
        missing++;
        continue;
      }
      BronzeRow r = rows.get(n);
      samples.add(
          new Sample(
              e.table(), e.key(), r.shard(), e.writeMillis(), r.commitMillis() - e.writeMillis()));
    }
    long extra = 0;
    for (Map.Entry<String, List<BronzeRow>> rows : byKey.entrySet()) {
      extra += Math.max(0, rows.getValue().size() - used.getOrDefault(rows.getKey(), 0));
    }
    return new Joined(samples, missing, extra, duplicates);
  }

  /**
   * Nearest-rank percentiles: the p-th percentile of n sorted values is the value at rank
   * ceil(p/100 × n), 1-based.
   */
  public static Percentiles percentiles(long[] latencies) {
    if (latencies.length == 0) {
      return Percentiles.EMPTY;
    }
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    return new Percentiles(
        sorted.length,
        rank(sorted, 50),
        rank(sorted, 90),
        rank(sorted, 99),
        sorted[sorted.length - 1]);
  }

  static long rank(long[] sorted, double p) {
    int r = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, r) - 1)];
  }

  public static Percentiles percentiles(List<Sample> samples) {
    return percentiles(samples.stream().mapToLong(Sample::latencyMs).toArray());
  }

  /** Percentiles per shard label, in label order. */
  public static Map<String, Percentiles> byShard(List<Sample> samples) {
    Map<String, List<Sample>> groups = new TreeMap<>();
    for (Sample s : samples) {
      groups.computeIfAbsent(s.shard(), k -> new ArrayList<>()).add(s);
    }
    Map<String, Percentiles> out = new TreeMap<>();
    groups.forEach((shard, list) -> out.put(shard, percentiles(list)));
    return out;
  }

  /**
   * The samples split into {@code parts} slices of equal write-time span, each summarised: a
   * latency that keeps rising from slice to slice is lag growing without bound.
   */
  public static List<Percentiles> overTime(List<Sample> samples, int parts) {
    List<Percentiles> out = new ArrayList<>();
    if (samples.isEmpty()) {
      return out;
    }
    long first = samples.stream().mapToLong(Sample::writeMillis).min().orElseThrow();
    long last = samples.stream().mapToLong(Sample::writeMillis).max().orElseThrow();
    double span = Math.max(1, last - first + 1) / (double) parts;
    List<List<Long>> slices = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      slices.add(new ArrayList<>());
    }
    for (Sample s : samples) {
      int i = (int) Math.min(parts - 1, (s.writeMillis() - first) / span);
      slices.get(i).add(s.latencyMs());
    }
    for (List<Long> slice : slices) {
      out.add(percentiles(slice.stream().mapToLong(Long::longValue).toArray()));
    }
    return out;
  }
}
