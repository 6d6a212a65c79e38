package io.ddb2delta.gold;

import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.delta.DataFile;
import io.ddb2delta.delta.DataFileCoder;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.tables.BronzeTable;
import io.ddb2delta.tables.DeltaTargets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * What a job's gold is rebuilt from, read from the tables once the pipeline runs (and once the
 * exports of the run have committed, when it has any): every change of the orders table that bronze
 * holds, export rows included, turned into contributions as the decoded changes are; and the {@code
 * _version} of every stored row of the current-order tables, as a floor ({@link
 * Contribution#versionFloor}) for the versions the group emits next.
 *
 * <p>So gold does not depend on the runner's state surviving a restart (a DirectRunner job starts
 * with none; a Spark job restored from its checkpoint holds what it held then), and an export
 * counts whether an earlier run loaded it or this one. Replayed changes that the streams deliver
 * too are duplicates, which gold counts once ({@link Contribution#newer}); the floors make the
 * first rows a group emits newer than the ones it left, so the upsert takes them.
 */
final class ReplayCommitted extends PTransform<PBegin, PCollectionTuple> {
  /**
   * Each current-order group's entries from every committed change, with the floor of its stored
   * row.
   */
  static final TupleTag<KV<GoldKey, Map<String, Contribution>>> ORDERS = new TupleTag<>() {};

  /** The committed changes as events of the change log, at their event times. */
  static final TupleTag<KV<GoldKey, Contribution>> EVENTS = new TupleTag<>() {};

  private final String deltaRoot;
  private final OrderContributions contributions;
  private final @Nullable PCollectionView<?> after;

  /**
   * @param after when set, the replay starts once this side input is ready: the run's export
   *     commits
   */
  ReplayCommitted(
      String deltaRoot, OrderContributions contributions, @Nullable PCollectionView<?> after) {
    this.deltaRoot = deltaRoot;
    this.contributions = contributions;
    this.after = after;
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    ListFiles list = new ListFiles(deltaRoot, contributions.table(), after);
    // Single-output steps and filters: the Spark runner cannot translate a multi-output ParDo in
    // the bounded part of a streaming pipeline (an NPE in EvaluationContext.isLeaf).
    PCollection<KV<GoldKey, Map<String, Contribution>>> replayed =
        begin
            .apply("Start", Create.of("replay"))
            .apply(
                "List committed files",
                after == null ? ParDo.of(list) : ParDo.of(list).withSideInputs(after))
            .setCoder(ListCoder.of(KvCoder.of(StringUtf8Coder.of(), DataFileCoder.of())))
            .apply("Read committed files", ParDo.of(new ReadFiles(deltaRoot, contributions)))
            .setCoder(AggregateGold.GROUP_ENTRIES);
    String windowed = GoldTable.WINDOWED_METRICS.tableName();
    return PCollectionTuple.of(
            ORDERS,
            replayed
                .apply("Committed groups", Filter.by(g -> !g.getKey().table().equals(windowed)))
                .setCoder(AggregateGold.GROUP_ENTRIES))
        .and(
            EVENTS,
            replayed
                .apply("Committed events", Filter.by(g -> g.getKey().table().equals(windowed)))
                .setCoder(AggregateGold.GROUP_ENTRIES)
                .apply(
                    "Events",
                    FlatMapElements.into(new TypeDescriptor<KV<GoldKey, Contribution>>() {})
                        .via(
                            g ->
                                g.getValue().values().stream()
                                    .map(c -> KV.of(g.getKey(), c))
                                    .toList()))
                .setCoder(AggregateGold.CONTRIBUTION));
  }

  /**
   * The data files to replay, as one list, each with its table: bronze's of the orders table, and
   * those of the current-order tables, as their current versions hold them.
   */
  static final class ListFiles extends DoFn<String, List<KV<String, DataFile>>> {
    private final String deltaRoot;
    private final String table;
    private final @Nullable PCollectionView<?> after;

    ListFiles(String deltaRoot, String table, @Nullable PCollectionView<?> after) {
      this.deltaRoot = deltaRoot;
      this.table = table;
      this.after = after;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      if (after != null) {
        c.sideInput(after); // only waited for
      }
      List<KV<String, DataFile>> files = new ArrayList<>();
      for (DataFile f :
          DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, BronzeTable.NAME)).files()) {
        if (table.equals(f.partitionValues().get("table_name"))) {
          files.add(KV.of(BronzeTable.NAME, f));
        }
      }
      for (GoldTable t : GoldTable.ofCurrentOrders()) {
        for (DataFile f :
            DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, t.tableName())).files()) {
          files.add(KV.of(t.tableName(), f));
        }
      }
      c.output(files);
    }
  }

  /**
   * Reads the listed files in one pass and emits each current-order group once, with its entries
   * merged as {@link AggregateGold} merges them (the newest contribution per order) and the floor
   * of its stored row, and each change once as an event at its event time. Merging here rather than
   * downstream keeps the runner from carrying a few elements per committed change: a
   * 1,000,000-order history becomes some 75,000 groups. It holds every group's entries in memory,
   * some hundreds of bytes per order.
   */
  static final class ReadFiles
      extends DoFn<List<KV<String, DataFile>>, KV<GoldKey, Map<String, Contribution>>> {
    private final String deltaRoot;
    private final OrderContributions contributions;
    private final Counter replayed =
        Metrics.counter(AggregateGold.METRICS_NAMESPACE, "replayed_changes");

    ReadFiles(String deltaRoot, OrderContributions contributions) {
      this.deltaRoot = deltaRoot;
      this.contributions = contributions;
    }

    @ProcessElement
    public void process(
        @Element List<KV<String, DataFile>> files,
        OutputReceiver<KV<GoldKey, Map<String, Contribution>>> out) {
      Map<GoldKey, Map<String, Contribution>> groups = new HashMap<>();
      for (KV<String, DataFile> file : files) {
        if (file.getKey().equals(BronzeTable.NAME)) {
          replayChanges(file.getValue(), groups, out);
        } else {
          readFloors(GoldTable.named(file.getKey()), file.getValue(), groups);
        }
      }
      groups.forEach((key, entries) -> out.output(KV.of(key, entries)));
    }

    /** Event times precede the replay's; how late they land is the windows' business. */
    @Override
    @SuppressWarnings("deprecation")
    public org.joda.time.Duration getAllowedTimestampSkew() {
      return org.joda.time.Duration.millis(Long.MAX_VALUE);
    }

    private void replayChanges(
        DataFile file,
        Map<GoldKey, Map<String, Contribution>> groups,
        OutputReceiver<KV<GoldKey, Map<String, Contribution>>> out) {
      DeltaTable.readRows(
          DeltaTargets.pathOf(deltaRoot, BronzeTable.NAME),
          BronzeTable.SCHEMA,
          file,
          row -> {
            DecodedChange change = BronzeTable.change(row, "bronze file " + file.path());
            for (KV<GoldKey, Contribution> c : contributions.toOrders(change)) {
              merge(groups, c.getKey(), c.getValue());
            }
            KV<GoldKey, Contribution> event = contributions.toEvent(change);
            if (event != null) {
              out.outputWithTimestamp(
                  KV.of(event.getKey(), Map.of(event.getValue().id(), event.getValue())),
                  new Instant(change.record().eventTimeMicros() / 1000));
            }
            replayed.inc();
          });
    }

    private void readFloors(
        GoldTable table, DataFile file, Map<GoldKey, Map<String, Contribution>> groups) {
      int[] keys = table.keyColumns().stream().mapToInt(table.schema()::indexOf).toArray();
      int version = table.schema().indexOf("_version");
      DeltaTable.readRows(
          DeltaTargets.pathOf(deltaRoot, table.tableName()),
          table.schema(),
          file,
          row -> {
            List<Object> key = new ArrayList<>();
            for (int k : keys) {
              key.add(row[k]);
            }
            merge(
                groups,
                new GoldKey(table.tableName(), key),
                Contribution.versionFloor((Long) row[version]));
          });
    }

    private static void merge(
        Map<GoldKey, Map<String, Contribution>> groups, GoldKey key, Contribution c) {
      groups.computeIfAbsent(key, k -> new HashMap<>()).merge(c.id(), c, Contribution::newer);
    }
  }
}
