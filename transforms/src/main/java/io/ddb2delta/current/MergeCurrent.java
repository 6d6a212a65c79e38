package io.ddb2delta.current;

import com.google.auto.value.AutoValue;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.delta.DataFile;
import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.delta.KeyedUpsert;
import io.ddb2delta.mapping.SchemaEvolution;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.tables.BronzeTable;
import io.ddb2delta.tables.DeltaTargets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Trigger;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;

/**
 * Keeps each mapped table's {@code <table>_current} (and its tombstones), and its {@code
 * <table>_history} when the mapping asks for one ({@link HistoryTable}), up to date with what
 * bronze holds, by one committer.
 *
 * <p>Input: ticks for the commits that may have added to bronze, one collection per writer (the
 * stream committer's reports, each export's commit), windowed and triggered in any way. At most
 * once per interval, the committer reads the bronze commits its table has not yet merged and
 * applies their changes of that table by a version-guarded MERGE ({@link CurrentTable#upsert}),
 * committed as transaction {@code ddb2delta-current} with bronze's version as its number.
 *
 * <p>Guarantees: every change bronze holds reaches the table, once its commit is seen, whichever
 * source, run or runner wrote it; a retried pane or a restarted job merges nothing twice (the
 * transaction number is the bronze version read through), and a job that starts after a crash
 * catches up at its first pane, which a start tick brings, in commits of at most about {@code
 * maxBronzeRows} bronze rows each so that memory holds one chunk of a backlog; changes merge by
 * their versions, so the table does not depend on the order in which they reached bronze. A history
 * is merged from the same bronze rows in a commit of its own, under the same transaction and
 * number, so it is as exactly-once as the current table and catches up on its own if a crash fell
 * between the two. Building the transform creates the tables that are missing.
 *
 * <p>For a mapping that says {@code evolve: true}, each pane first reads the columns its silver
 * table has evolved ({@link io.ddb2delta.mapping.SchemaEvolution}); those the current table or the
 * history lacks are added to it in a metadata commit of their own before the MERGE, which then
 * fills them. Adding a column is idempotent, so a retry or restart adds nothing twice.
 */
@AutoValue
public abstract class MergeCurrent
    extends PTransform<PCollectionList<String>, PCollection<CurrentCommit>> {
  /** The transaction app id of every {@code _current} table: its number is bronze's version. */
  public static final String APP_ID = "ddb2delta-current";

  static final String METRICS_NAMESPACE = "current";

  /** How many bronze versions without changes of a table pass before its progress is committed. */
  private static final long IDLE_VERSIONS = 100;

  abstract String deltaRoot();

  abstract List<TableMapping> mappings();

  abstract Duration interval();

  abstract long targetFileBytes();

  abstract long maxBronzeRows();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setDeltaRoot(String root);

    abstract Builder setMappings(List<TableMapping> mappings);

    abstract Builder setInterval(Duration d);

    abstract Builder setTargetFileBytes(long bytes);

    abstract Builder setMaxBronzeRows(long rows);

    abstract MergeCurrent build();
  }

  /** Merges into {@code <table>_current} under {@code deltaRoot}, one per mapping. */
  public static MergeCurrent of(String deltaRoot, List<TableMapping> mappings) {
    return new AutoValue_MergeCurrent.Builder()
        .setDeltaRoot(deltaRoot)
        .setMappings(List.copyOf(mappings))
        .setInterval(Duration.standardSeconds(5))
        .setTargetFileBytes(128L << 20)
        .setMaxBronzeRows(DEFAULT_MAX_BRONZE_ROWS)
        .build();
  }

  /**
   * How many bronze rows one MERGE reads at most: a backlog (a first start over a large bronze, a
   * restart after a long stop) merges in commits of about this many rows, so memory holds one
   * chunk.
   */
  public static final long DEFAULT_MAX_BRONZE_ROWS = 250_000;

  /** Reads at most about {@code rows} bronze rows per MERGE (whole bronze commits). */
  public MergeCurrent withMaxBronzeRowsPerMerge(long rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("a MERGE reads at least one bronze row: " + rows);
    }
    return toBuilder().setMaxBronzeRows(rows).build();
  }

  /** How long ticks gather before a MERGE; zero merges at every pane the runner delivers. */
  public MergeCurrent withInterval(Duration d) {
    return toBuilder().setInterval(d).build();
  }

  public MergeCurrent withTargetFileBytes(long bytes) {
    return toBuilder().setTargetFileBytes(bytes).build();
  }

  /**
   * Creates the current tables under a root, and the histories the mappings ask for, or checks that
   * those present can be written.
   */
  public static void createTables(String deltaRoot, List<TableMapping> mappings) {
    for (TableMapping m : mappings) {
      CurrentTable t = new CurrentTable(m);
      DeltaTable table = DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, t.name()));
      table.createIfAbsent(t.name(), t.schema(), Map.of(), true);
      table.checkWritable();
      t.upsert(deltaRoot, 128L << 20); // creates the tombstones
      if (m.history()) {
        HistoryTable h = new HistoryTable(m);
        DeltaTable history = DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, h.name()));
        history.createIfAbsent(h.name(), h.schema(), Map.of(), true);
        history.checkWritable();
      }
    }
  }

  /**
   * Whether every current table, and every history, has merged what bronze holds of its DynamoDB
   * table: its last MERGE read through bronze's newest version, or bronze gained no row of that
   * table since.
   */
  public static boolean followsBronze(String deltaRoot, List<TableMapping> mappings) {
    DeltaTable bronze = DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, BronzeTable.NAME));
    if (!bronze.exists()) {
      return true;
    }
    long newest = bronze.version();
    Map<Long, DeltaTable.Appended> read = new java.util.HashMap<>();
    for (TableMapping m : mappings) {
      List<String> names = new ArrayList<>(List.of(CurrentTable.nameOf(m)));
      if (m.history()) {
        names.add(HistoryTable.nameOf(m));
      }
      for (String name : names) {
        long done = DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, name)).txnVersion(APP_ID);
        if (done >= newest) {
          continue;
        }
        for (DataFile f : read.computeIfAbsent(done, bronze::appendedSince).files()) {
          if (m.table().equals(f.partitionValues().get("table_name"))) {
            return false;
          }
        }
      }
    }
    return true;
  }

  @Override
  public PCollection<CurrentCommit> expand(PCollectionList<String> ticks) {
    if (interval().isShorterThan(Duration.ZERO)) {
      throw new IllegalArgumentException("interval must not be negative");
    }
    if (mappings().isEmpty()) {
      throw new IllegalArgumentException("no tables to keep current");
    }
    createTables(deltaRoot(), mappings());
    // Each input is windowed alike before they meet: a stream's reports carry a trigger of their
    // own, and Flatten refuses inputs whose triggers differ.
    PCollectionList<String> batched = PCollectionList.empty(ticks.getPipeline());
    List<PCollection<String>> all = new ArrayList<>(ticks.getAll());
    all.add(ticks.getPipeline().apply("Start", Create.of("start")).setCoder(StringUtf8Coder.of()));
    for (int i = 0; i < all.size(); i++) {
      batched =
          batched.and(
              all.get(i)
                  .apply(
                      "Batch " + (i + 1),
                      Window.<String>into(new GlobalWindows())
                          .triggering(trigger())
                          .discardingFiredPanes()
                          .withAllowedLateness(Duration.ZERO)));
    }
    return batched
        .apply("Ticks", Flatten.pCollections())
        .apply(
            "One committer",
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.strings()))
                .via(t -> KV.of(0, t)))
        .setCoder(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of()))
        .apply("Group ticks", GroupByKey.create())
        .apply(
            "Merge",
            ParDo.of(new Merge(deltaRoot(), mappings(), targetFileBytes(), maxBronzeRows())))
        .setCoder(SerializableCoder.of(CurrentCommit.class));
  }

  private Trigger trigger() {
    if (interval().getMillis() == 0) {
      return Repeatedly.forever(AfterPane.elementCountAtLeast(1));
    }
    return Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(interval()));
  }

  /** Merges what bronze gained since each table's last MERGE. */
  static final class Merge extends DoFn<KV<Integer, Iterable<String>>, CurrentCommit> {
    private final String deltaRoot;
    private final List<TableMapping> mappings;
    private final long targetFileBytes;
    private final long maxBronzeRows;
    private final Counter merged = Metrics.counter(METRICS_NAMESPACE, "merged_changes");
    private final Counter untyped = Metrics.counter(METRICS_NAMESPACE, "untyped_changes");
    private transient List<List<Target>> tables;
    private transient List<List<DeltaColumn>> evolved;
    private transient List<DeltaTable> silvers;
    private transient DeltaTable bronze;

    Merge(String deltaRoot, List<TableMapping> mappings, long targetFileBytes, long maxBronzeRows) {
      this.deltaRoot = deltaRoot;
      this.mappings = mappings;
      this.targetFileBytes = targetFileBytes;
      this.maxBronzeRows = maxBronzeRows;
    }

    /**
     * One table kept from a DynamoDB table's bronze rows: {@code current} counts in the metrics,
     * which count each change once.
     */
    private record Target(
        String table,
        String name,
        KeyedUpsert upsert,
        boolean current,
        ChangeOf changeOf,
        Apply apply) {}

    @FunctionalInterface
    private interface ChangeOf {
      KeyedUpsert.@Nullable Change of(DecodedChange change, long processingMicros);
    }

    @FunctionalInterface
    private interface Apply {
      KeyedUpsert.Result apply(long bronzeVersion, List<KeyedUpsert.Change> changes, long now);
    }

    @Setup
    public void setup() {
      // The first pane builds the targets, with the columns silver has evolved by then.
      tables = new ArrayList<>();
      evolved = new ArrayList<>();
      silvers = new ArrayList<>();
      for (TableMapping m : mappings) {
        tables.add(null);
        evolved.add(null);
        silvers.add(DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, m.silverTable())));
      }
      bronze = DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, BronzeTable.NAME));
    }

    /** The columns the mapping's silver table has evolved; none unless it says evolve: true. */
    private List<DeltaColumn> evolvedColumns(int i) {
      TableMapping m = mappings.get(i);
      if (!m.evolve()) {
        return List.of();
      }
      return SchemaEvolution.evolvedColumns(m.silverSchema(), silvers.get(i).columns());
    }

    /**
     * Follows the silver tables' evolution: a table whose silver gained columns gets them in its
     * current table and history, and is merged with them from now on.
     */
    private void followEvolution() {
      for (int i = 0; i < mappings.size(); i++) {
        TableMapping m = mappings.get(i);
        List<DeltaColumn> columns = evolvedColumns(i);
        if (columns.equals(evolved.get(i))) {
          continue;
        }
        List<Target> targets = targets(m, columns);
        if (!columns.isEmpty()) {
          for (Target t : targets) {
            DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, t.name())).addColumns(columns);
          }
        }
        tables.set(i, targets);
        evolved.set(i, columns);
      }
    }

    private List<Target> targets(TableMapping m, List<DeltaColumn> columns) {
      List<Target> targets = new ArrayList<>();
      CurrentTable t = new CurrentTable(m, columns);
      KeyedUpsert upsert = t.upsert(deltaRoot, targetFileBytes);
      targets.add(
          new Target(
              t.table(),
              t.name(),
              upsert,
              true,
              (c, now) -> t.change(upsert, c, now),
              (version, changes, now) -> upsert.apply(APP_ID, version, changes)));
      if (m.history()) {
        HistoryTable h = new HistoryTable(m, columns);
        KeyedUpsert history = h.upsert(deltaRoot, targetFileBytes);
        targets.add(
            new Target(
                t.table(),
                h.name(),
                history,
                false,
                (c, now) -> h.change(history, c, now),
                (version, changes, now) -> h.merge(history, APP_ID, version, changes, now)));
      }
      return targets;
    }

    @ProcessElement
    public void process(OutputReceiver<CurrentCommit> out) {
      followEvolution();
      // A backlog merges in chunks of whole bronze commits, each chunk its own commits, until no
      // table can take another: every table then holds what bronze held when the pane began.
      long target = bronze.version();
      boolean progressed = true;
      while (progressed) {
        progressed = false;
        // Tables that merged through the same bronze version read bronze's log since it once.
        Map<Long, DeltaTable.Appended> read = new java.util.HashMap<>();
        for (List<Target> targets : tables) {
          // A table's current and history have merged through the same version unless a crash
          // fell between their commits: those that agree read bronze's rows once.
          Map<Long, List<Target>> byDone = new java.util.TreeMap<>();
          for (Target t : targets) {
            byDone
                .computeIfAbsent(t.upsert().committedBatch(APP_ID), d -> new ArrayList<>())
                .add(t);
          }
          for (Map.Entry<Long, List<Target>> e : byDone.entrySet()) {
            if (e.getKey() >= target) {
              continue;
            }
            List<CurrentCommit> commits = mergeInto(e.getValue(), e.getKey(), read);
            commits.forEach(out::output);
            progressed |= !commits.isEmpty();
          }
        }
      }
    }

    private List<CurrentCommit> mergeInto(
        List<Target> targets, long done, Map<Long, DeltaTable.Appended> read) {
      long started = System.currentTimeMillis();
      DeltaTable.Appended appended =
          read.computeIfAbsent(done, d -> bronze.appendedSince(d, maxBronzeRows));
      if (appended.throughVersion() <= done) {
        return List.of();
      }
      long now = started * 1000;
      List<List<KeyedUpsert.Change>> changes = new ArrayList<>();
      targets.forEach(t -> changes.add(new ArrayList<>()));
      String table = targets.get(0).table();
      String bronzeRoot = DeltaTargets.pathOf(deltaRoot, BronzeTable.NAME);
      for (DataFile f : appended.files()) {
        if (!table.equals(f.partitionValues().get("table_name"))) {
          continue;
        }
        DeltaTable.readRows(
            bronzeRoot,
            BronzeTable.SCHEMA,
            f,
            row -> {
              DecodedChange change = BronzeTable.change(row, "bronze file " + f.path());
              for (int i = 0; i < targets.size(); i++) {
                KeyedUpsert.Change c = targets.get(i).changeOf().of(change, now);
                if (c != null) {
                  changes.get(i).add(c);
                } else if (targets.get(i).current()) {
                  untyped.inc();
                }
              }
            });
      }
      List<CurrentCommit> commits = new ArrayList<>();
      // The first commit's time includes reading bronze; each later one's is its own.
      long from = started;
      for (int i = 0; i < targets.size(); i++) {
        Target t = targets.get(i);
        List<KeyedUpsert.Change> of = changes.get(i);
        // A chunk of a backlog commits its progress even without changes, so the next chunk
        // starts after it.
        if (of.isEmpty()
            && !appended.more()
            && appended.throughVersion() - Math.max(done, 0) < IDLE_VERSIONS) {
          continue;
        }
        KeyedUpsert.Result result = t.apply().apply(appended.throughVersion(), of, now);
        if (t.current()) {
          merged.inc(of.size());
        }
        long at = System.currentTimeMillis();
        commits.add(
            new CurrentCommit(
                t.name(),
                result.commit().tableVersion(),
                of.size(),
                appended.throughVersion(),
                at,
                at - from,
                appended.oldestCommitMillis().isPresent()
                    ? Math.max(0, at - appended.oldestCommitMillis().getAsLong())
                    : null,
                result.metrics()));
        from = at;
      }
      return commits;
    }
  }
}
