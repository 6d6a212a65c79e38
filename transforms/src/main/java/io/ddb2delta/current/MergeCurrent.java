package io.ddb2delta.current;

import com.google.auto.value.AutoValue;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.delta.DataFile;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.delta.KeyedUpsert;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.tables.BronzeTable;
import io.ddb2delta.tables.DeltaTargets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import org.joda.time.Duration;

/**
 * Keeps each mapped table's {@code <table>_current} (and its tombstones) up to date with what
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
 * catches up at its first pane, which a start tick brings; changes merge by their versions, so the
 * table does not depend on the order in which they reached bronze. Building the transform creates
 * the tables that are missing.
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

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setDeltaRoot(String root);

    abstract Builder setMappings(List<TableMapping> mappings);

    abstract Builder setInterval(Duration d);

    abstract Builder setTargetFileBytes(long bytes);

    abstract MergeCurrent build();
  }

  /** Merges into {@code <table>_current} under {@code deltaRoot}, one per mapping. */
  public static MergeCurrent of(String deltaRoot, List<TableMapping> mappings) {
    return new AutoValue_MergeCurrent.Builder()
        .setDeltaRoot(deltaRoot)
        .setMappings(List.copyOf(mappings))
        .setInterval(Duration.standardSeconds(5))
        .setTargetFileBytes(128L << 20)
        .build();
  }

  /** How long ticks gather before a MERGE; zero merges at every pane the runner delivers. */
  public MergeCurrent withInterval(Duration d) {
    return toBuilder().setInterval(d).build();
  }

  public MergeCurrent withTargetFileBytes(long bytes) {
    return toBuilder().setTargetFileBytes(bytes).build();
  }

  /** Creates the current tables under a root, or checks that those present can be written. */
  public static void createTables(String deltaRoot, List<TableMapping> mappings) {
    for (TableMapping m : mappings) {
      CurrentTable t = new CurrentTable(m);
      DeltaTable table = DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, t.name()));
      table.createIfAbsent(t.name(), t.schema(), Map.of());
      table.checkWritable();
      t.upsert(deltaRoot, 128L << 20); // creates the tombstones
    }
  }

  /**
   * Whether every current table has merged what bronze holds of its DynamoDB table: its last MERGE
   * read through bronze's newest version, or bronze gained no row of that table since.
   */
  public static boolean followsBronze(String deltaRoot, List<TableMapping> mappings) {
    DeltaTable bronze = DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, BronzeTable.NAME));
    if (!bronze.exists()) {
      return true;
    }
    long newest = bronze.version();
    Map<Long, DeltaTable.Appended> read = new java.util.HashMap<>();
    for (TableMapping m : mappings) {
      CurrentTable t = new CurrentTable(m);
      long done = DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, t.name())).txnVersion(APP_ID);
      if (done >= newest) {
        continue;
      }
      for (DataFile f : read.computeIfAbsent(done, bronze::appendedSince).files()) {
        if (t.table().equals(f.partitionValues().get("table_name"))) {
          return false;
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
        .apply("Merge", ParDo.of(new Merge(deltaRoot(), mappings(), targetFileBytes())))
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
    private final Counter merged = Metrics.counter(METRICS_NAMESPACE, "merged_changes");
    private final Counter untyped = Metrics.counter(METRICS_NAMESPACE, "untyped_changes");
    private transient List<CurrentTable> tables;
    private transient Map<String, KeyedUpsert> upserts;
    private transient DeltaTable bronze;

    Merge(String deltaRoot, List<TableMapping> mappings, long targetFileBytes) {
      this.deltaRoot = deltaRoot;
      this.mappings = mappings;
      this.targetFileBytes = targetFileBytes;
    }

    @Setup
    public void setup() {
      tables = new ArrayList<>();
      upserts = new LinkedHashMap<>();
      for (TableMapping m : mappings) {
        CurrentTable t = new CurrentTable(m);
        tables.add(t);
        upserts.put(t.name(), t.upsert(deltaRoot, targetFileBytes));
      }
      bronze = DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, BronzeTable.NAME));
    }

    @ProcessElement
    public void process(OutputReceiver<CurrentCommit> out) {
      // Tables that merged through the same bronze version read bronze's log since it once.
      Map<Long, DeltaTable.Appended> read = new java.util.HashMap<>();
      for (CurrentTable t : tables) {
        CurrentCommit c = mergeInto(t, upserts.get(t.name()), read);
        if (c != null) {
          out.output(c);
        }
      }
    }

    private CurrentCommit mergeInto(
        CurrentTable t, KeyedUpsert upsert, Map<Long, DeltaTable.Appended> read) {
      long started = System.currentTimeMillis();
      long done = upsert.committedBatch(APP_ID);
      DeltaTable.Appended appended = read.computeIfAbsent(done, bronze::appendedSince);
      if (appended.throughVersion() <= done) {
        return null;
      }
      long now = started * 1000;
      List<KeyedUpsert.Change> changes = new ArrayList<>();
      String bronzeRoot = DeltaTargets.pathOf(deltaRoot, BronzeTable.NAME);
      for (DataFile f : appended.files()) {
        if (!t.table().equals(f.partitionValues().get("table_name"))) {
          continue;
        }
        DeltaTable.readRows(
            bronzeRoot,
            BronzeTable.SCHEMA,
            f,
            row -> {
              DecodedChange change = BronzeTable.change(row, "bronze file " + f.path());
              KeyedUpsert.Change c = t.change(upsert, change, now);
              if (c == null) {
                untyped.inc();
              } else {
                changes.add(c);
              }
            });
      }
      if (changes.isEmpty() && appended.throughVersion() - Math.max(done, 0) < IDLE_VERSIONS) {
        return null;
      }
      KeyedUpsert.Result result = upsert.apply(APP_ID, appended.throughVersion(), changes);
      merged.inc(changes.size());
      long at = System.currentTimeMillis();
      return new CurrentCommit(
          t.name(),
          result.commit().tableVersion(),
          changes.size(),
          appended.throughVersion(),
          at,
          at - started,
          appended.oldestCommitMillis().isPresent()
              ? Math.max(0, at - appended.oldestCommitMillis().getAsLong())
              : null,
          result.metrics());
    }
  }
}
