package io.ddb2delta.tools;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.ChangeVersion;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.current.CurrentTable;
import io.ddb2delta.current.HistoryTable;
import io.ddb2delta.current.MergeCurrent;
import io.ddb2delta.delta.DataFile;
import io.ddb2delta.delta.DeltaFileWriter;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.delta.KeyedUpsert;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.pipelines.Ddb2Delta;
import io.ddb2delta.pipelines.RunSummary;
import io.ddb2delta.tables.DeltaTargets;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The MERGE benchmark of {@code <table>_current}: builds an {@code orders_current} of {@code
 * --rows} rows (orders created evenly over {@code --days}, ids in creation order as the load
 * generator makes them), then merges batches of {@code --changes} changes through the job's own
 * upsert ({@link CurrentTable#upsert}, tombstones included), for two workloads:
 *
 * <ul>
 *   <li>{@code orders-like}: half inserts of new orders, half status changes of orders created in
 *       the last 24 hours;
 *   <li>{@code uniform}: changes to keys drawn uniformly from the whole table.
 * </ul>
 *
 * <p>With {@code --table=history} it does the same to an {@code orders_history} of one version per
 * order (an export's), through {@link HistoryTable#merge}: each change adds a version and closes
 * the one before it.
 *
 * <p>For each batch it prints the bytes rewritten as a share of the table, the files read, removed
 * and added, and the wall and process CPU time. A harness, not a test: it asserts nothing.
 */
@Command(
    name = "benchmark-current-merge",
    mixinStandardHelpOptions = true,
    description = "Measures MERGEs into a large orders_current: bytes rewritten, files, time.")
public final class BenchmarkCurrentMerge implements Callable<Integer> {
  private static final long DAY_MICROS = 86_400_000_000L;
  private static final String[] STATUSES = {"pending", "shipped", "completed", "cancelled"};

  @Option(names = "--rows", description = "Rows in orders_current (default 10000000).")
  long rows = 10_000_000;

  @Option(names = "--changes", description = "Changes per MERGE (default 10000).")
  int changes = 10_000;

  @Option(names = "--batches", description = "MERGEs per workload (default 3).")
  int batches = 3;

  @Option(names = "--days", description = "Days over which the orders were created (default 100).")
  int days = 100;

  @Option(
      names = "--targetFileMb",
      description = "Target data file size, as the job's --currentTargetFileSizeMb (default 8).")
  int targetFileMb = 8;

  @Option(
      names = "--workload",
      split = ",",
      description = "orders-like, uniform or both (default both).")
  List<String> workloads = new ArrayList<>(List.of("orders-like", "uniform"));

  @Option(names = "--table", description = "current (default) or history.")
  String kind = "current";

  @Option(names = "--work-dir", description = "Where the table goes (default target/bench).")
  Path workDir = Path.of("target", "bench");

  private final TableMapping orders = TableMapping.shipped("orders");
  private final CurrentTable table = new CurrentTable(orders);
  private final HistoryTable history = new HistoryTable(orders);
  private final long nowMicros = System.currentTimeMillis() * 1000;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchmarkCurrentMerge()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    long target = (long) targetFileMb << 20;
    if (!kind.equals("current") && !kind.equals("history")) {
      throw new CommandLine.ParameterException(new CommandLine(this), "unknown table " + kind);
    }
    boolean ofHistory = kind.equals("history");
    String name = ofHistory ? history.name() : table.name();
    for (String workload : workloads) {
      if (!workload.equals("orders-like") && !workload.equals("uniform")) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "unknown workload " + workload);
      }
      Path root = workDir.resolve("current-merge");
      deleteRecursively(root);
      Files.createDirectories(root);
      long cpu0 = Ddb2Delta.processCpuNanos();
      long wall0 = System.nanoTime();
      build(root.toString(), target, ofHistory);
      String path = DeltaTargets.pathOf(root.toString(), name);
      System.out.printf(
          Locale.ROOT,
          "built %s: %,d rows in %d files, %.1f MB, in %.1f s wall, %.1f s CPU%n",
          name,
          rows,
          DeltaTable.forPath(path).files().size(),
          bytes(path) / 1e6,
          (System.nanoTime() - wall0) / 1e9,
          (Ddb2Delta.processCpuNanos() - cpu0) / 1e9);
      KeyedUpsert upsert =
          ofHistory
              ? history.upsert(root.toString(), target)
              : table.upsert(root.toString(), target);
      Random random = new Random(42);
      long nextId = rows;
      for (int b = 1; b <= batches; b++) {
        List<KeyedUpsert.Change> batch = new ArrayList<>(changes);
        if (workload.equals("orders-like")) {
          long recent = Math.max(1, rows / days);
          for (int i = 0; i < changes / 2; i++) {
            batch.add(upsert.put(row(nextId++, nowMicros, "pending", b + 1, random, ofHistory)));
          }
          for (int i = changes / 2; i < changes; i++) {
            long id = nextId - 1 - (long) (random.nextDouble() * (recent + changes / 2 * b));
            batch.add(upsert.put(row(id, createdAt(id), "shipped", b + 1, random, ofHistory)));
          }
        } else {
          for (int i = 0; i < changes; i++) {
            long id = (long) (random.nextDouble() * rows);
            batch.add(upsert.put(row(id, createdAt(id), "completed", b + 1, random, ofHistory)));
          }
        }
        long before = bytes(path);
        int filesBefore = DeltaTable.forPath(path).files().size();
        long cpu = Ddb2Delta.processCpuNanos();
        long wall = System.nanoTime();
        Map<String, Long> m =
            (ofHistory
                    ? history.merge(upsert, "benchmark", b, batch, nowMicros)
                    : upsert.apply("benchmark", b, batch))
                .metrics();
        double wallS = (System.nanoTime() - wall) / 1e9;
        double cpuS = (Ddb2Delta.processCpuNanos() - cpu) / 1e9;
        long rewritten = m.getOrDefault("numTargetBytesRemoved", 0L);
        System.out.printf(
            Locale.ROOT,
            "merge %s batch %d: %,d changes (%,d inserted, %,d updated) into %.1f MB in %d files:"
                + " read %d files, rewrote %d (%.1f MB, %.2f%% of the table's bytes), added %d"
                + " (%.1f MB); %.2f s wall, %.2f s CPU%n",
            workload,
            b,
            batch.size(),
            m.getOrDefault("numTargetRowsInserted", 0L),
            m.getOrDefault("numTargetRowsUpdated", 0L),
            before / 1e6,
            filesBefore,
            m.getOrDefault("numTargetFilesAfterSkipping", 0L),
            m.getOrDefault("numTargetFilesRemoved", 0L),
            rewritten / 1e6,
            100.0 * rewritten / before,
            m.getOrDefault("numTargetFilesAdded", 0L),
            m.getOrDefault("numTargetBytesAdded", 0L) / 1e6,
            wallS,
            cpuS);
      }
    }
    System.out.printf(
        Locale.ROOT, "peak RSS %.2f GiB%n", RunSummary.readPeakRssBytes() / (double) (1L << 30));
    return 0;
  }

  /** Writes the table's rows in key order into files of the target size, in one commit. */
  private void build(String root, long target, boolean ofHistory) {
    MergeCurrent.createTables(root, List.of(orders));
    String path = DeltaTargets.pathOf(root, ofHistory ? history.name() : table.name());
    Random random = new Random(7);
    List<DataFile> files;
    try (DeltaFileWriter w =
        new DeltaFileWriter(
            path, ofHistory ? history.schema() : table.schema(), target, "part-benchmark-load")) {
      for (long id = 0; id < rows; id++) {
        Object[] row = exportRow(id, random);
        w.write(ofHistory ? versionRow(row, Op.SNAPSHOT, nowMicros) : row);
      }
      files = w.finish();
    }
    DeltaTable.forPath(path).commit("benchmark-load", 1, files, DeltaTable.WRITE, Map.of());
  }

  private long createdAt(long id) {
    long span = (long) days * DAY_MICROS;
    return nowMicros - span + (long) ((double) id / rows * span);
  }

  private Object[] exportRow(long id, Random random) {
    Object[] row = base(id, createdAt(id), STATUSES[random.nextInt(STATUSES.length)], random);
    row[7] = ChangeVersion.of(record(id, Op.SNAPSHOT, nowMicros, 0));
    row[8] = "export";
    row[9] = "export 01796000000000-benchmark file data/part-0.json.gz line " + (id + 1);
    return row;
  }

  private Object[] row(
      long id, long created, String status, int batch, Random random, boolean ofHistory) {
    Object[] row = base(id, created, status, random);
    long sequence = 1_000_000L * batch + id % 1_000_000;
    long at = nowMicros + batch * 1_000_000L;
    row[7] = ChangeVersion.of(record(id, Op.MODIFY, at, sequence));
    row[8] = "dynamodb-streams";
    row[9] = "stream benchmark shard shardId-0 sequence " + sequence;
    return ofHistory ? versionRow(row, Op.MODIFY, at) : row;
  }

  /**
   * A current row as a history row: the item columns and _attributes, then op, valid_from,
   * valid_to, is_current (the merge sets the last two), _version, _source, _source_position and
   * _updated_at.
   */
  private static Object[] versionRow(Object[] current, Op op, long validFrom) {
    Object[] row = new Object[15];
    System.arraycopy(current, 0, row, 0, 7);
    row[7] = op.name();
    row[8] = validFrom;
    row[9] = null;
    row[10] = true;
    System.arraycopy(current, 7, row, 11, 4);
    return row;
  }

  /** The item columns, then _attributes, _version, _source, _source_position, _updated_at. */
  private Object[] base(long id, long created, String status, Random random) {
    return new Object[] {
      SyntheticItems.orderId(id),
      SyntheticItems.userId(random.nextInt(50_000)),
      String.format(Locale.ROOT, "prod-%05d", random.nextInt(5_000)),
      BigDecimal.valueOf(100 + random.nextInt(99_900), 2),
      status,
      created,
      "{}",
      null,
      null,
      null,
      nowMicros
    };
  }

  private static ChangeRecord record(long id, Op op, long micros, long sequence) {
    Map<String, DynamoValue> key =
        Map.of("order_id", new DynamoValue.S(SyntheticItems.orderId(id)));
    SourcePosition position =
        op == Op.SNAPSHOT
            ? SourcePosition.exportLine("benchmark", "data/part-0.json.gz", id + 1)
            : new SourcePosition(
                SourceKind.DYNAMODB_STREAMS, "benchmark", "shardId-0", Long.toString(sequence));
    return new ChangeRecord("orders", op, key, key, null, micros, "bench-" + id, position);
  }

  private static long bytes(String path) {
    return DeltaTable.forPath(path).files().stream().mapToLong(DataFile::sizeBytes).sum();
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
