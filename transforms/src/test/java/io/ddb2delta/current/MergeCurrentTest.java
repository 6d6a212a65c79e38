package io.ddb2delta.current;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.delta.DataFile;
import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaFileWriter;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.delta.DeltaType;
import io.ddb2delta.delta.KeyedUpsert;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.tables.BronzeTable;
import io.ddb2delta.tables.DeltaTargets;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MergeCurrent} over a bronze table written by hand, commit by commit, as a stream committer
 * and an earlier run would have left it; the expected tables are worked out by hand.
 */
class MergeCurrentTest implements Serializable {
  private static final TableMapping ORDERS = TableMapping.shipped("orders");
  private static final long T0 = 1_796_119_200_000_000L; // 2026-12-01T10:00:00Z
  private static final String ARN = "arn:aws:dynamodb:local:000000000000:table/orders/stream/x";

  @TempDir transient Path root;
  private long maxBronzeRows = MergeCurrent.DEFAULT_MAX_BRONZE_ROWS;
  private transient int sequence;

  @Test
  void bronzesCommitsReachTheCurrentTableOnceAndARemoveStaysATombstone() throws IOException {
    commitToBronze(
        1,
        List.of(
            change(Op.INSERT, "o1", null, item("o1", "10.00", "pending")),
            change(Op.INSERT, "o2", null, item("o2", "20.00", "pending")),
            change(Op.MODIFY, "o1", item("o1", "10.00", "pending"), item("o1", "10.00", "shipped")),
            otherTable()));
    commitToBronze(
        2,
        List.of(
            change(Op.REMOVE, "o2", item("o2", "20.00", "pending"), null),
            change(Op.INSERT, "o3", null, item("o3", "30.00", "pending")),
            // amount does not fit decimal(10,2): in quarantine, and not in the current table
            change(Op.INSERT, "o4", null, item("o4", "123456789012.00", "pending"))));

    run("orders_current through 2: 5", "orders_history through 2: 5");
    assertThat(OrdersCurrentRows.read(table("orders_current")))
        .isEqualTo(Map.of("o1", "shipped 10.00", "o3", "pending 30.00"));
    assertThat(OrdersCurrentRows.tombstones(table("orders_current_tombstones")))
        .isEqualTo(Map.of("o2", "2026-12-01T10:00:01.000000Z c 191000000000000000003"));

    long version = DeltaTable.forPath(table("orders_current").toString()).version();
    run(); // nothing new in bronze: nothing merged
    assertThat(DeltaTable.forPath(table("orders_current").toString()).version()).isEqualTo(version);

    // A later run's commit: o1 removed, and o2's INSERT delivered late, older than its REMOVE.
    commitToBronze(
        3,
        List.of(
            change(Op.REMOVE, "o1", item("o1", "10.00", "shipped"), null),
            redelivered(Op.INSERT, "o2", item("o2", "20.00", "pending"), 1002)));
    run("orders_current through 3: 2", "orders_history through 3: 2");
    assertThat(OrdersCurrentRows.read(table("orders_current")))
        .isEqualTo(Map.of("o3", "pending 30.00"));
    assertThat(OrdersCurrentRows.tombstones(table("orders_current_tombstones")))
        .containsOnlyKeys("o1", "o2");
  }

  @Test
  void aBacklogMergesInChunksOfWholeBronzeCommitsInOnePane() throws IOException {
    commitToBronze(
        1,
        List.of(
            change(Op.INSERT, "o1", null, item("o1", "10.00", "pending")),
            change(Op.INSERT, "o2", null, item("o2", "20.00", "pending"))));
    run("orders_current through 1: 2", "orders_history through 1: 2");
    // The job stops; bronze gains three commits before the next pane.
    commitToBronze(2, List.of(otherTable()));
    commitToBronze(
        3,
        List.of(
            change(Op.MODIFY, "o1", item("o1", "10.00", "pending"), item("o1", "10.00", "shipped")),
            change(Op.REMOVE, "o2", item("o2", "20.00", "pending"), null)));
    commitToBronze(4, List.of(change(Op.INSERT, "o3", null, item("o3", "30.00", "pending"))));
    maxBronzeRows = 2;

    // A chunk ends at the first commit that brings it to 2 rows: versions 2-3 (1 + 2), then 4.
    run(
        "orders_current through 3: 2",
        "orders_history through 3: 2",
        "orders_current through 4: 1",
        "orders_history through 4: 1");
    assertThat(OrdersCurrentRows.read(table("orders_current")))
        .isEqualTo(Map.of("o1", "shipped 10.00", "o3", "pending 30.00"));
    assertThat(
            DeltaTable.forPath(table("orders_current").toString()).txnVersion("ddb2delta-current"))
        .isEqualTo(4);
  }

  @Test
  void aHistoryTakesEachBronzeCommitOnceThoughItFellBehindOrItsMergeIsRetried() throws IOException {
    commitToBronze(
        1,
        List.of(
            change(Op.INSERT, "o1", null, item("o1", "10.00", "pending")),
            change(Op.MODIFY, "o1", item("o1", "10.00", "pending"), item("o1", "10.00", "shipped")),
            change(Op.INSERT, "o2", null, item("o2", "20.00", "pending"))));
    // As a crash between the two commits leaves it: orders_current merged, orders_history not.
    run(List.of(ORDERS.withHistory(false)), "orders_current through 1: 3");
    commitToBronze(
        2,
        List.of(
            change(Op.REMOVE, "o2", item("o2", "20.00", "pending"), null),
            change(
                Op.MODIFY,
                "o1",
                item("o1", "10.00", "shipped"),
                item("o1", "10.00", "cancelled"))));

    run(List.of(ORDERS), "orders_current through 2: 2", "orders_history through 2: 5");
    Map<String, List<String>> expected =
        Map.of(
            "o1",
            List.of(
                "INSERT pending 10.00 from=2026-12-01T10:00:00Z to=2026-12-01T10:00:00Z"
                    + " current=false at=1000000000000000000",
                "MODIFY shipped 10.00 from=2026-12-01T10:00:00Z to=2026-12-01T10:00:01Z"
                    + " current=false at=1000000000000000001",
                "MODIFY cancelled 10.00 from=2026-12-01T10:00:01Z to=null current=true"
                    + " at=1000000000000000004"),
            "o2",
            List.of(
                "INSERT pending 20.00 from=2026-12-01T10:00:00Z to=2026-12-01T10:00:01Z"
                    + " current=false at=1000000000000000002",
                "REMOVE pending 20.00 from=2026-12-01T10:00:01Z to=null current=false"
                    + " at=1000000000000000003"));
    assertThat(OrdersCurrentRows.history(table("orders_history"))).isEqualTo(expected);
    assertThat(OrdersCurrentRows.read(table("orders_current")))
        .isEqualTo(Map.of("o1", "cancelled 10.00"));

    long version = DeltaTable.forPath(table("orders_history").toString()).version();
    run(List.of(ORDERS)); // a retried pane: bronze has nothing new for either table
    // A retried bundle whose commit had landed: bronze version 2 again, under the same transaction.
    HistoryTable history = new HistoryTable(ORDERS);
    KeyedUpsert upsert = history.upsert(root.toString(), 1L << 20);
    List<KeyedUpsert.Change> again = new ArrayList<>();
    DeltaTable bronze = DeltaTable.forPath(DeltaTargets.pathOf(root.toString(), BronzeTable.NAME));
    for (DataFile f : bronze.appendedSince(1).files()) {
      DeltaTable.readRows(
          bronze.path(),
          BronzeTable.SCHEMA,
          f,
          row -> again.add(history.change(upsert, BronzeTable.change(row, f.path()), T0)));
    }
    assertThat(again).hasSize(2);
    history.merge(upsert, MergeCurrent.APP_ID, 2, again, T0);

    assertThat(DeltaTable.forPath(table("orders_history").toString()).version()).isEqualTo(version);
    assertThat(OrdersCurrentRows.history(table("orders_history"))).isEqualTo(expected);
  }

  @Test
  void aColumnItsSilverTableEvolvedReachesTheCurrentTableAndTheHistoryFromThenOn()
      throws IOException {
    TableMapping evolving =
        new TableMapping(
            ORDERS.table(),
            ORDERS.silverTable(),
            ORDERS.keys(),
            ORDERS.columns(),
            ORDERS.partitionBy(),
            true,
            true);
    DeltaTable silver = DeltaTable.forPath(table(ORDERS.silverTable()).toString());
    silver.createIfAbsent(ORDERS.silverTable(), evolving.silverSchema(), Map.of());
    Map<String, DynamoValue> noted = item("o1", "10.00", "pending");
    noted.put("gift_note", new DynamoValue.S("thanks"));
    commitToBronze(1, List.of(change(Op.INSERT, "o1", null, noted)));
    run(List.of(evolving), "orders_current through 1: 1", "orders_history through 1: 1");
    assertThat(DeltaTable.forPath(table("orders_current").toString()).columnNames())
        .doesNotContain("gift_note");

    // The stream committer adds the column to silver, as a batch with gift_note proposed it.
    silver.addColumns(List.of(DeltaColumn.of("gift_note", DeltaType.STRING)));
    Map<String, DynamoValue> hello = item("o2", "20.00", "pending");
    hello.put("gift_note", new DynamoValue.S("hello"));
    Map<String, DynamoValue> flag = item("o3", "30.00", "pending");
    flag.put("gift_note", DynamoValue.Bool.TRUE);
    commitToBronze(
        2, List.of(change(Op.INSERT, "o2", null, hello), change(Op.INSERT, "o3", null, flag)));
    run(List.of(evolving), "orders_current through 2: 2", "orders_history through 2: 2");

    for (String name : List.of("orders_current", "orders_history")) {
      List<String> columns = DeltaTable.forPath(table(name).toString()).columnNames();
      assertThat(columns.get(columns.size() - 1)).as(name).isEqualTo("gift_note");
    }
    // o1 was written before the column was added (read as null whether or not its file was
    // rewritten since); o3's BOOL does not fit the STRING column. _attributes keeps gift_note in
    // every row.
    Map<String, String> expected =
        Map.of(
            "o1",
            "gift_note=null _attributes={\"gift_note\":{\"S\":\"thanks\"}}",
            "o2",
            "gift_note=hello _attributes={\"gift_note\":{\"S\":\"hello\"}}",
            "o3",
            "gift_note=null _attributes={\"gift_note\":{\"BOOL\":true}}");
    assertThat(OrdersCurrentRows.column(table("orders_current"), "gift_note")).isEqualTo(expected);
    Map<String, String> history = new java.util.TreeMap<>();
    expected.forEach((k, v) -> history.put(k + " INSERT", v));
    assertThat(OrdersCurrentRows.column(table("orders_history"), "gift_note")).isEqualTo(history);

    // A restarted job finds the columns there and adds nothing.
    long version = DeltaTable.forPath(table("orders_current").toString()).version();
    run(List.of(evolving));
    assertThat(DeltaTable.forPath(table("orders_current").toString()).version()).isEqualTo(version);
  }

  /** Runs the transform on one tick; expects its commits as "table through version: changes". */
  private void run(String... commits) {
    run(List.of(ORDERS), commits);
  }

  private void run(List<TableMapping> mappings, String... commits) {
    TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    // A stream's reports arrive triggered, an export's commits not; both feed the transform.
    PCollection<String> report =
        p.apply("Report", Create.of("report"))
            .apply(
                Window.<String>into(new GlobalWindows())
                    .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
                    .discardingFiredPanes()
                    .withAllowedLateness(Duration.ZERO));
    PCollection<String> out =
        PCollectionList.of(p.apply("Export", Create.of("tick")))
            .and(report)
            .apply(
                MergeCurrent.of(root.toString(), mappings)
                    .withInterval(Duration.ZERO)
                    .withMaxBronzeRowsPerMerge(maxBronzeRows))
            .apply(
                MapElements.into(TypeDescriptors.strings())
                    .via(c -> c.table() + " through " + c.bronzeVersion() + ": " + c.changes()));
    if (commits.length == 0) {
      PAssert.that(out).empty();
    } else {
      PAssert.that(out).containsInAnyOrder(commits);
    }
    p.run().waitUntilFinish();
  }

  private Path table(String name) {
    return Path.of(DeltaTargets.pathOf(root.toString(), name));
  }

  private void commitToBronze(long batch, List<ChangeRecord> changes) {
    String path = DeltaTargets.pathOf(root.toString(), BronzeTable.NAME);
    DeltaTable bronze = DeltaTable.forPath(path);
    bronze.createIfAbsent(BronzeTable.NAME, BronzeTable.SCHEMA, Map.of());
    List<DataFile> files;
    try (DeltaFileWriter w = DeltaFileWriter.create(path, BronzeTable.SCHEMA)) {
      changes.forEach(r -> w.write(BronzeTable.row(r, null, 0L)));
      files = w.finish();
    }
    bronze.commit("stream", batch, files, DeltaTable.WRITE, Map.of());
  }

  private ChangeRecord change(
      Op op, String id, Map<String, DynamoValue> before, Map<String, DynamoValue> after) {
    int seq = sequence++;
    return new ChangeRecord(
        "orders",
        op,
        Map.of("order_id", new DynamoValue.S(id)),
        after,
        before,
        T0 + (seq / 3) * 1_000_000L,
        "event-" + seq,
        new SourcePosition(
            SourceKind.DYNAMODB_STREAMS,
            ARN,
            "shardId-1",
            Long.toString(1_000_000_000_000_000_000L + seq)));
  }

  private static ChangeRecord redelivered(
      Op op, String id, Map<String, DynamoValue> after, long sequence) {
    return new ChangeRecord(
        "orders",
        op,
        Map.of("order_id", new DynamoValue.S(id)),
        after,
        null,
        T0,
        "event-late",
        new SourcePosition(SourceKind.DYNAMODB_STREAMS, ARN, "shardId-1", Long.toString(sequence)));
  }

  private static ChangeRecord otherTable() {
    return new ChangeRecord(
        "users",
        Op.INSERT,
        Map.of("user_id", new DynamoValue.S("u1")),
        Map.of("user_id", new DynamoValue.S("u1")),
        null,
        T0,
        "event-users",
        new SourcePosition(SourceKind.DYNAMODB_STREAMS, ARN, "shardId-2", "7"));
  }

  private static Map<String, DynamoValue> item(String id, String amount, String status) {
    Map<String, DynamoValue> item = new LinkedHashMap<>();
    item.put("order_id", new DynamoValue.S(id));
    item.put("amount", DynamoValue.N.of(new BigDecimal(amount)));
    item.put("status", new DynamoValue.S(status));
    return item;
  }
}
