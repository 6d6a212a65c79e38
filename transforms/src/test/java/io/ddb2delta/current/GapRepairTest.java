package io.ddb2delta.current;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.delta.KeyedUpsert;
import io.ddb2delta.export.ExportFormat;
import io.ddb2delta.export.ExportLineDecoder;
import io.ddb2delta.export.ExportManifest;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.tables.BronzeTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DynamoDB stream whose records were trimmed before they were read leaves {@code orders_current}
 * wrong; an incremental export of the table from before the gap to after it, decoded from its lines
 * as AWS writes them, repairs it, whichever of the two arrives first. The changes, the export's
 * lines and the expected tables are written out by hand.
 *
 * <p>The log (stream times rounded down to the second, as DynamoDB Streams stamps them):
 *
 * <ul>
 *   <li>read before the gap: o1, o2, o3 inserted at 10:00;
 *   <li>trimmed, never read: o1 shipped at 11:00:00.1, o2 removed at 11:00:05.2, o4 inserted at
 *       11:00:10.3, o3 cancelled at 11:30:00.4, o4 shipped at 12:00:00.5;
 *   <li>read after the gap, from the shard's oldest record: o4 shipped at 12:00:00.5 (the same
 *       change) and o4 completed at 12:00:00.8.
 * </ul>
 *
 * The incremental export covers 09:59 to 12:00:00.6: each changed item's last state in it, with its
 * write time. Its row of o4 (shipped, written at 12:00:00.5) must lose to the stream's later change
 * in the same second (completed), which the stream stamps 12:00:00.
 */
class GapRepairTest {
  private static final TableMapping ORDERS = TableMapping.shipped("orders");
  private static final long T10 = 1_796_119_200_000_000L; // 2026-12-01T10:00:00Z
  private static final long HOUR = 3_600_000_000L;
  private static final String ARN = "arn:aws:dynamodb:local:000000000000:table/orders/stream/x";

  @TempDir Path root;

  private static final List<ChangeRecord> BEFORE_GAP =
      List.of(
          change(Op.INSERT, "o1", null, item("o1", "10.00", "pending"), T10, 101),
          change(Op.INSERT, "o2", null, item("o2", "20.00", "pending"), T10, 102),
          change(Op.INSERT, "o3", null, item("o3", "30.00", "pending"), T10, 103));

  private static final List<ChangeRecord> AFTER_GAP =
      List.of(
          change(
              Op.MODIFY,
              "o4",
              item("o4", "40.00", "pending"),
              item("o4", "40.00", "shipped"),
              T10 + 2 * HOUR,
              205),
          change(
              Op.MODIFY,
              "o4",
              item("o4", "40.00", "shipped"),
              item("o4", "40.00", "completed"),
              T10 + 2 * HOUR,
              206));

  /** The incremental export's lines, in DynamoDB JSON as AWS writes them. */
  private static final List<String> INCREMENTAL =
      List.of(
          "{\"Metadata\":{\"WriteTimestampMicros\":{\"N\":\"1796122800100000\"}},"
              + "\"Keys\":{\"order_id\":{\"S\":\"o1\"}},"
              + "\"OldImage\":{\"order_id\":{\"S\":\"o1\"},\"amount\":{\"N\":\"10.00\"},"
              + "\"status\":{\"S\":\"pending\"}},"
              + "\"NewImage\":{\"order_id\":{\"S\":\"o1\"},\"amount\":{\"N\":\"10.00\"},"
              + "\"status\":{\"S\":\"shipped\"}}}",
          "{\"Metadata\":{\"WriteTimestampMicros\":{\"N\":\"1796122805200000\"}},"
              + "\"Keys\":{\"order_id\":{\"S\":\"o2\"}},"
              + "\"OldImage\":{\"order_id\":{\"S\":\"o2\"},\"amount\":{\"N\":\"20.00\"},"
              + "\"status\":{\"S\":\"pending\"}}}",
          "{\"Metadata\":{\"WriteTimestampMicros\":{\"N\":\"1796124600400000\"}},"
              + "\"Keys\":{\"order_id\":{\"S\":\"o3\"}},"
              + "\"OldImage\":{\"order_id\":{\"S\":\"o3\"},\"amount\":{\"N\":\"30.00\"},"
              + "\"status\":{\"S\":\"pending\"}},"
              + "\"NewImage\":{\"order_id\":{\"S\":\"o3\"},\"amount\":{\"N\":\"30.00\"},"
              + "\"status\":{\"S\":\"cancelled\"}}}",
          "{\"Metadata\":{\"WriteTimestampMicros\":{\"N\":\"1796126400500000\"}},"
              + "\"Keys\":{\"order_id\":{\"S\":\"o4\"}},"
              + "\"NewImage\":{\"order_id\":{\"S\":\"o4\"},\"amount\":{\"N\":\"40.00\"},"
              + "\"status\":{\"S\":\"shipped\"}}}");

  private static final Map<String, String> REPAIRED =
      Map.of("o1", "shipped 10.00", "o3", "cancelled 30.00", "o4", "completed 40.00");

  @Test
  void withoutTheExportTheGapLeavesTheTableWrong() throws IOException {
    merge(List.of(BEFORE_GAP, AFTER_GAP));
    // o1 still pending, o2 not deleted, o3 not cancelled, o4 known only from its MODIFYs.
    assertThat(OrdersCurrentRows.read(root.resolve("orders_current")))
        .isEqualTo(
            Map.of(
                "o1", "pending 10.00",
                "o2", "pending 20.00",
                "o3", "pending 30.00",
                "o4", "completed 40.00"));
  }

  @Test
  void theIncrementalExportLoadedAfterTheStreamRepairsTheGap() throws IOException {
    merge(List.of(BEFORE_GAP, AFTER_GAP, incremental()));
    assertThat(OrdersCurrentRows.read(root.resolve("orders_current"))).isEqualTo(REPAIRED);
    assertThat(OrdersCurrentRows.tombstones(root.resolve("orders_current_tombstones")))
        .containsOnlyKeys("o2");
  }

  @Test
  void theIncrementalExportLoadedBeforeTheStreamRepairsTheGapToo() throws IOException {
    merge(List.of(incremental(), AFTER_GAP, BEFORE_GAP));
    assertThat(OrdersCurrentRows.read(root.resolve("orders_current"))).isEqualTo(REPAIRED);
  }

  /** Merges each list as one batch into orders_current, in the given order. */
  private void merge(List<List<ChangeRecord>> batches) {
    MergeCurrent.createTables(root.toString(), List.of(ORDERS));
    CurrentTable table = new CurrentTable(ORDERS);
    KeyedUpsert upsert = table.upsert(root.toString(), 1L << 20);
    long batch = 0;
    for (List<ChangeRecord> records : batches) {
      List<KeyedUpsert.Change> changes = new ArrayList<>();
      for (ChangeRecord r : records) {
        KeyedUpsert.Change c =
            table.change(
                upsert,
                new DecodedChange(
                    r, new BronzeTable.RawImages(null, null, null), null, false, null),
                T10);
        assertThat(c).as("typed: " + r.position()).isNotNull();
        changes.add(c);
      }
      upsert.apply("gap-repair", batch++, changes);
    }
  }

  private static List<ChangeRecord> incremental() {
    ExportManifest manifest =
        new ExportManifest(
            "s3://exports/AWSDynamoDB/01796126460000-0abc1234/",
            "01796126460000-0abc1234",
            null,
            null,
            "orders",
            ExportFormat.DYNAMODB_JSON,
            true,
            T10 + 2 * HOUR + 600_000,
            INCREMENTAL.size(),
            List.of());
    ExportLineDecoder decoder = new ExportLineDecoder(manifest, ORDERS.keys());
    List<ChangeRecord> out = new ArrayList<>();
    for (int i = 0; i < INCREMENTAL.size(); i++) {
      out.add(decoder.decode(INCREMENTAL.get(i), "data/part-0.json.gz", i + 1).record());
    }
    return out;
  }

  private static ChangeRecord change(
      Op op,
      String id,
      @Nullable Map<String, DynamoValue> before,
      @Nullable Map<String, DynamoValue> after,
      long stampMicros,
      int sequence) {
    return new ChangeRecord(
        "orders",
        op,
        Map.of("order_id", new DynamoValue.S(id)),
        after,
        before,
        stampMicros,
        "event-" + sequence,
        new SourcePosition(
            SourceKind.DYNAMODB_STREAMS, ARN, "shardId-1", String.format("%021d", sequence)));
  }

  private static Map<String, DynamoValue> item(String id, String amount, String status) {
    Map<String, DynamoValue> item = new LinkedHashMap<>();
    item.put("order_id", new DynamoValue.S(id));
    item.put("amount", DynamoValue.N.of(amount));
    item.put("status", new DynamoValue.S(status));
    return item;
  }
}
