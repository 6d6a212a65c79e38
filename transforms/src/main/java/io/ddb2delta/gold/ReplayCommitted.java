package io.ddb2delta.gold;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.delta.DataFile;
import io.ddb2delta.delta.DataFileCoder;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.model.DynamoJson;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.tables.BronzeTable;
import io.ddb2delta.tables.DeltaTargets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * What a starting job's gold is rebuilt from, read from the tables as they are when the pipeline is
 * built: every change of the orders table that bronze holds (export rows included), turned into
 * contributions as the decoded changes are, and the {@code _version} of every stored row of the
 * current-order tables, as a floor for the versions the group emits next.
 *
 * <p>So gold does not depend on the runner's state surviving a restart: a DirectRunner job starts
 * with none, and a Spark job restored from its checkpoint may hold state from before changes that
 * its sources will not deliver again. Replayed changes that the sources deliver again are
 * duplicates, which gold counts once ({@link Contribution#newer}); the floors make the first rows a
 * group emits after the start newer than the ones it left, so the upsert takes them.
 */
final class ReplayCommitted extends PTransform<PBegin, PCollectionTuple> {
  static final TupleTag<KV<GoldKey, Contribution>> ORDERS = new TupleTag<>() {};
  static final TupleTag<KV<GoldKey, Contribution>> EVENTS = new TupleTag<>() {};
  static final TupleTag<KV<GoldKey, Map<String, Contribution>>> FLOORS = new TupleTag<>() {};

  private final String deltaRoot;
  private final OrderContributions contributions;

  ReplayCommitted(String deltaRoot, OrderContributions contributions) {
    this.deltaRoot = deltaRoot;
    this.contributions = contributions;
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    String bronze = DeltaTargets.pathOf(deltaRoot, BronzeTable.NAME);
    List<DataFile> changes = new ArrayList<>();
    for (DataFile f : DeltaTable.forPath(bronze).files()) {
      if (contributions.table().equals(f.partitionValues().get("table_name"))) {
        changes.add(f);
      }
    }
    List<KV<String, DataFile>> rows = new ArrayList<>();
    for (GoldTable t : GoldTable.ofCurrentOrders()) {
      for (DataFile f : DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, t.tableName())).files()) {
        rows.add(KV.of(t.tableName(), f));
      }
    }
    // Single-output steps and filters: the Spark runner cannot translate a multi-output ParDo in
    // the bounded part of a streaming pipeline (an NPE in EvaluationContext.isLeaf).
    PCollection<KV<GoldKey, Contribution>> replayed =
        begin
            .apply("List bronze files", Create.of(changes).withCoder(DataFileCoder.of()))
            .apply("Spread bronze files", Reshuffle.viaRandomKey())
            .apply(
                "Contributions of committed changes",
                ParDo.of(new ReplayChanges(bronze, contributions)))
            .setCoder(AggregateGold.CONTRIBUTION);
    String windowed = GoldTable.WINDOWED_METRICS.tableName();
    PCollection<KV<GoldKey, Map<String, Contribution>>> floors =
        begin
            .apply(
                "List gold files",
                Create.of(rows).withCoder(KvCoder.of(StringUtf8Coder.of(), DataFileCoder.of())))
            .apply("Versions of stored rows", ParDo.of(new ReadFloors(deltaRoot)))
            .setCoder(AggregateGold.GROUP_ENTRIES);
    return PCollectionTuple.of(
            ORDERS,
            replayed
                .apply(
                    "Committed order contributions",
                    Filter.by(c -> !c.getKey().table().equals(windowed)))
                .setCoder(AggregateGold.CONTRIBUTION))
        .and(
            EVENTS,
            replayed
                .apply("Committed events", Filter.by(c -> c.getKey().table().equals(windowed)))
                .setCoder(AggregateGold.CONTRIBUTION))
        .and(FLOORS, floors);
  }

  /**
   * A bronze file's changes of the orders table, as the contributions their decoding gives: to the
   * current-order groups, and as events of the change log at their event times.
   */
  static final class ReplayChanges extends DoFn<DataFile, KV<GoldKey, Contribution>> {
    private final String bronzeRoot;
    private final OrderContributions contributions;
    private final Counter replayed =
        Metrics.counter(AggregateGold.METRICS_NAMESPACE, "replayed_changes");

    ReplayChanges(String bronzeRoot, OrderContributions contributions) {
      this.bronzeRoot = bronzeRoot;
      this.contributions = contributions;
    }

    @ProcessElement
    public void process(@Element DataFile file, OutputReceiver<KV<GoldKey, Contribution>> out) {
      DeltaTable.readRows(
          bronzeRoot,
          BronzeTable.SCHEMA,
          file,
          row -> {
            DecodedChange change = change(row, file);
            contributions.toOrders(change).forEach(out::output);
            KV<GoldKey, Contribution> event = contributions.toEvent(change);
            if (event != null) {
              out.outputWithTimestamp(event, new Instant(change.record().eventTimeMicros() / 1000));
            }
            replayed.inc();
          });
    }

    /** Event times precede the replay's; how late they land is the windows' business. */
    @Override
    @SuppressWarnings("deprecation")
    public org.joda.time.Duration getAllowedTimestampSkew() {
      return org.joda.time.Duration.millis(Long.MAX_VALUE);
    }

    /** The change a bronze row holds, as its source's decoder gave it. */
    static DecodedChange change(Object[] row, DataFile file) {
      try {
        ChangeRecord record =
            new ChangeRecord(
                (String) row[0],
                Op.valueOf((String) row[2]),
                DynamoJson.parseItem((String) row[3]),
                image(row[4]),
                image(row[5]),
                (Long) row[6],
                (String) row[1],
                SourcePosition.parse((String) row[8]));
        return new DecodedChange(
            record, new BronzeTable.RawImages(null, null, null), null, false, null);
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "bronze file "
                + file.path()
                + " holds a row that is not a change (event "
                + row[1]
                + " at "
                + row[8]
                + "): "
                + e.getMessage(),
            e);
      }
    }

    private static @Nullable Map<String, DynamoValue> image(Object json) {
      return json == null ? null : DynamoJson.parseItem((String) json);
    }
  }

  /** A current-order table's stored rows, as the version floors of their groups. */
  static final class ReadFloors
      extends DoFn<KV<String, DataFile>, KV<GoldKey, Map<String, Contribution>>> {
    private final String deltaRoot;

    ReadFloors(String deltaRoot) {
      this.deltaRoot = deltaRoot;
    }

    @ProcessElement
    public void process(
        @Element KV<String, DataFile> file,
        OutputReceiver<KV<GoldKey, Map<String, Contribution>>> out) {
      GoldTable table = GoldTable.named(file.getKey());
      int[] keys = table.keyColumns().stream().mapToInt(table.schema()::indexOf).toArray();
      int version = table.schema().indexOf("_version");
      DeltaTable.readRows(
          DeltaTargets.pathOf(deltaRoot, table.tableName()),
          table.schema(),
          file.getValue(),
          row -> {
            List<Object> key = new ArrayList<>();
            for (int k : keys) {
              key.add(row[k]);
            }
            Contribution floor = Contribution.versionFloor((Long) row[version]);
            out.output(KV.of(new GoldKey(table.tableName(), key), Map.of(floor.id(), floor)));
          });
    }
  }
}
