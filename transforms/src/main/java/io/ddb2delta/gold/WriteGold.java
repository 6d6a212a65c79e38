package io.ddb2delta.gold;

import com.google.auto.value.AutoValue;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.delta.KeyedUpsert;
import io.ddb2delta.tables.DeltaTargets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Trigger;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * Upserts {@link GoldRow}s into the gold tables under a Delta root, by one committer.
 *
 * <p>Guarantees: each table gets at most one MERGE commit per pane ({@link KeyedUpsert}: removes,
 * adds and {@code SetTransaction(<appId>#gold, n)} together); a row is keyed by its group, so a
 * late or updated group replaces its row and never adds a second; the {@code _version} guard keeps
 * a stale row (a replayed pane, a retried bundle) from replacing a newer one. Building the
 * transform creates the gold tables that are missing and checks the others.
 */
@AutoValue
public abstract class WriteGold extends PTransform<PCollection<GoldRow>, PCollection<GoldCommit>> {

  abstract String deltaRoot();

  abstract String appId();

  abstract Duration commitInterval();

  abstract long targetFileBytes();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setDeltaRoot(String root);

    abstract Builder setAppId(String appId);

    abstract Builder setCommitInterval(Duration d);

    abstract Builder setTargetFileBytes(long bytes);

    abstract WriteGold build();
  }

  /** Writes under {@code deltaRoot}, committing as {@code <appId>#gold}. */
  public static WriteGold into(String deltaRoot, String appId) {
    return new AutoValue_WriteGold.Builder()
        .setDeltaRoot(deltaRoot)
        .setAppId(appId)
        .setCommitInterval(Duration.standardSeconds(2))
        .setTargetFileBytes(128L << 20)
        .build();
  }

  /** How long rows gather before a commit; zero commits every pane the runner delivers. */
  public WriteGold withCommitInterval(Duration d) {
    return toBuilder().setCommitInterval(d).build();
  }

  public WriteGold withTargetFileBytes(long bytes) {
    return toBuilder().setTargetFileBytes(bytes).build();
  }

  /** The app id of the gold commits of a job whose stream set commits as {@code appId}. */
  public static String goldAppId(String appId) {
    return appId + "#gold";
  }

  /** Creates the gold tables under a root, or checks that those present can be written. */
  public static void createTables(String deltaRoot) {
    for (GoldTable t : GoldTable.values()) {
      DeltaTable table = DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, t.tableName()));
      table.createIfAbsent(t.tableName(), t.schema(), Map.of());
      table.checkWritable();
    }
  }

  @Override
  public PCollection<GoldCommit> expand(PCollection<GoldRow> rows) {
    if (commitInterval().isShorterThan(Duration.ZERO)) {
      throw new IllegalArgumentException("commitInterval must not be negative");
    }
    createTables(deltaRoot());
    return rows.apply("Chunk rows", ParDo.of(new ChunkRows()))
        .setCoder(KvCoder.of(VarIntCoder.of(), ListCoder.of(GoldCoders.RowCoder.INSTANCE)))
        .apply(
            "Batch",
            Window.<KV<Integer, List<GoldRow>>>into(new GlobalWindows())
                .triggering(trigger())
                .discardingFiredPanes()
                .withAllowedLateness(Duration.ZERO))
        .apply("Group for the committer", GroupByKey.create())
        .apply("Upsert", ParDo.of(new Upsert(deltaRoot(), goldAppId(appId()), targetFileBytes())))
        .setCoder(SerializableCoder.of(GoldCommit.class));
  }

  private Trigger trigger() {
    if (commitInterval().getMillis() == 0) {
      return Repeatedly.forever(AfterPane.elementCountAtLeast(1));
    }
    return Repeatedly.forever(
        AfterProcessingTime.pastFirstElementInPane().plusDelayOf(commitInterval()));
  }

  /**
   * Gathers a bundle's rows into one list, keeping the newest row per key: the Spark runner's
   * streaming group-by-key re-reads a key's whole bag for each element it adds.
   */
  static final class ChunkRows extends DoFn<GoldRow, KV<Integer, List<GoldRow>>> {
    private transient Map<GoldKey, GoldRow> rows;

    @StartBundle
    public void start() {
      rows = new LinkedHashMap<>();
    }

    @ProcessElement
    public void process(@Element GoldRow row) {
      rows.merge(row.key(), row, (a, b) -> b.version() >= a.version() ? b : a);
    }

    @FinishBundle
    public void finish(FinishBundleContext context) {
      if (!rows.isEmpty()) {
        context.output(
            KV.of(0, new ArrayList<>(rows.values())),
            GlobalWindow.INSTANCE.maxTimestamp(),
            GlobalWindow.INSTANCE);
      }
      rows = null;
    }
  }

  /** Upserts each pane into its tables, one commit per table. */
  static final class Upsert extends DoFn<KV<Integer, Iterable<List<GoldRow>>>, GoldCommit> {
    private final String deltaRoot;
    private final String appId;
    private final long targetFileBytes;
    private final Counter commits = Metrics.counter(AggregateGold.METRICS_NAMESPACE, "commits");
    private final Counter rowsOut = Metrics.counter(AggregateGold.METRICS_NAMESPACE, "rows");
    private transient Map<String, KeyedUpsert> upserts;

    Upsert(String deltaRoot, String appId, long targetFileBytes) {
      this.deltaRoot = deltaRoot;
      this.appId = appId;
      this.targetFileBytes = targetFileBytes;
    }

    @Setup
    public void setup() {
      upserts = new HashMap<>();
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<List<GoldRow>>> pane, OutputReceiver<GoldCommit> out) {
      Map<String, List<KeyedUpsert.Change>> byTable = new LinkedHashMap<>();
      for (List<GoldRow> chunk : pane.getValue()) {
        for (GoldRow r : chunk) {
          KeyedUpsert u = upsert(r.key().table());
          Object[] row = r.row();
          byTable
              .computeIfAbsent(r.key().table(), t -> new ArrayList<>())
              .add(row == null ? u.delete(r.key().values(), r.version()) : u.put(row));
        }
      }
      for (Map.Entry<String, List<KeyedUpsert.Change>> e : byTable.entrySet()) {
        KeyedUpsert upsert = upsert(e.getKey());
        long batch = Math.max(0, upsert.committedBatch(appId) + 1);
        long started = System.currentTimeMillis();
        KeyedUpsert.Result result = upsert.apply(appId, batch, e.getValue());
        long at = System.currentTimeMillis();
        commits.inc();
        rowsOut.inc(e.getValue().size());
        out.output(
            new GoldCommit(
                e.getKey(),
                result.commit().tableVersion(),
                e.getValue().size(),
                at,
                at - started,
                result.metrics()));
      }
    }

    private KeyedUpsert upsert(String table) {
      return upserts.computeIfAbsent(
          table,
          t -> {
            GoldTable g = GoldTable.named(t);
            return KeyedUpsert.into(DeltaTargets.pathOf(deltaRoot, t), g.schema(), g.keyColumns())
                .withVersionColumn("_version")
                .withTargetFileBytes(targetFileBytes);
          });
    }
  }
}
