package io.ddb2delta.current;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.delta.KeyedUpsert;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.tables.BronzeTable;
import io.ddb2delta.tables.DeltaTargets;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code orders_history} by {@link HistoryTable#merge} on a real Delta table, batch by batch, with
 * the expected rows worked out by hand: changes of two orders arriving out of order, a late change
 * in the middle of one's history, and every change delivered again.
 */
class CurrentHistoryTest {
  private static final TableMapping ORDERS = TableMapping.shipped("orders");
  private static final long T0 = 1_796_119_200_000_000L; // 2026-12-01T10:00:00Z
  private static final String ARN = "arn:aws:dynamodb:local:000000000000:table/orders/stream/x";
  private static final String APP = "test";

  @TempDir Path root;

  @Test
  void theColumnsAreTheCurrentTablesItemColumnsThenTheVersionsOwn() {
    HistoryTable history = new HistoryTable(ORDERS);

    assertThat(history.name()).isEqualTo("orders_history");
    assertThat(history.keyColumns()).containsExactly("order_id", "_version");
    assertThat(history.schema().columns())
        .extracting(c -> c.name() + " " + c.type().sql() + (c.nullable() ? "" : " not null"))
        .containsExactly(
            "order_id string not null",
            "customer_id string",
            "product_id string",
            "order_amount decimal(10,2)",
            "order_status string",
            "created_at timestamp",
            "_attributes string not null",
            "op string not null",
            "valid_from timestamp not null",
            "valid_to timestamp",
            "is_current boolean not null",
            "_version string not null",
            "_source string not null",
            "_source_position string not null",
            "_updated_at timestamp not null");
    assertThat(history.schema().columns().subList(0, 7))
        .isEqualTo(new CurrentTable(ORDERS).schema().columns().subList(0, 7));
  }

  @Test
  void outOfOrderLateAndRepeatedChangesGiveOneRowPerVersionWithItsValidity() throws IOException {
    ChangeRecord insert1 = change(Op.INSERT, "o1", 0, 1001, null, item("o1", "10.00", "pending"));
    ChangeRecord modify1 =
        change(
            Op.MODIFY,
            "o1",
            5,
            1002,
            item("o1", "10.00", "pending"),
            item("o1", "10.00", "shipped"));
    ChangeRecord remove1 = change(Op.REMOVE, "o1", 9, 1003, item("o1", "10.00", "shipped"), null);
    ChangeRecord insert2 = change(Op.INSERT, "o2", 1, 1004, null, item("o2", "20.00", "pending"));
    ChangeRecord modify2 =
        change(
            Op.MODIFY,
            "o2",
            3,
            1005,
            item("o2", "20.00", "pending"),
            item("o2", "25.00", "pending"));
    ChangeRecord ship2 =
        change(
            Op.MODIFY,
            "o2",
            7,
            1006,
            item("o2", "25.00", "pending"),
            item("o2", "25.00", "shipped"));
    MergeCurrent.createTables(root.toString(), List.of(ORDERS));
    HistoryTable history = new HistoryTable(ORDERS);
    KeyedUpsert upsert = history.upsert(root.toString(), 1L << 20);

    merge(history, upsert, 0, modify1, insert2, ship2);
    assertThat(OrdersCurrentRows.history(table()))
        .isEqualTo(
            Map.of(
                "o1",
                List.of(
                    "MODIFY shipped 10.00 from=2026-12-01T10:00:05Z to=null current=true at=1002"),
                "o2",
                List.of(
                    "INSERT pending 20.00 from=2026-12-01T10:00:01Z to=2026-12-01T10:00:07Z"
                        + " current=false at=1004",
                    "MODIFY shipped 25.00 from=2026-12-01T10:00:07Z to=null current=true"
                        + " at=1006")));

    // o1's REMOVE and its INSERT arrive after its MODIFY; o2's first MODIFY arrives last of its
    // three, between the other two: the INSERT's validity now ends at it.
    merge(history, upsert, 1, remove1, insert1, modify2);
    Map<String, List<String>> expected =
        Map.of(
            "o1",
            List.of(
                "INSERT pending 10.00 from=2026-12-01T10:00:00Z to=2026-12-01T10:00:05Z"
                    + " current=false at=1001",
                "MODIFY shipped 10.00 from=2026-12-01T10:00:05Z to=2026-12-01T10:00:09Z"
                    + " current=false at=1002",
                "REMOVE shipped 10.00 from=2026-12-01T10:00:09Z to=null current=false at=1003"),
            "o2",
            List.of(
                "INSERT pending 20.00 from=2026-12-01T10:00:01Z to=2026-12-01T10:00:03Z"
                    + " current=false at=1004",
                "MODIFY pending 25.00 from=2026-12-01T10:00:03Z to=2026-12-01T10:00:07Z"
                    + " current=false at=1005",
                "MODIFY shipped 25.00 from=2026-12-01T10:00:07Z to=null current=true at=1006"));
    assertThat(OrdersCurrentRows.history(table())).isEqualTo(expected);

    // Everything again, in one batch: nothing to rewrite.
    KeyedUpsert.Result again =
        merge(history, upsert, 2, ship2, modify2, insert2, remove1, modify1, insert1, insert1);
    assertThat(again.metrics())
        .containsEntry("numTargetFilesAdded", 0L)
        .containsEntry("numTargetFilesRemoved", 0L);
    assertThat(OrdersCurrentRows.history(table())).isEqualTo(expected);

    // A retried batch commits nothing.
    merge(history, upsert, 1, remove1, insert1, modify2);
    assertThat(upsert.committedBatch(APP)).isEqualTo(2);
    assertThat(OrdersCurrentRows.history(table())).isEqualTo(expected);
  }

  private static KeyedUpsert.Result merge(
      HistoryTable history, KeyedUpsert upsert, long batch, ChangeRecord... records) {
    List<KeyedUpsert.Change> changes = new ArrayList<>();
    for (ChangeRecord r : records) {
      changes.add(
          history.change(
              upsert,
              new DecodedChange(r, new BronzeTable.RawImages(null, null, null), null, false, null),
              T0 + 60_000_000L));
    }
    return history.merge(upsert, APP, batch, changes, T0 + 60_000_000L);
  }

  private Path table() {
    return Path.of(DeltaTargets.pathOf(root.toString(), "orders_history"));
  }

  private static ChangeRecord change(
      Op op,
      String id,
      int second,
      long sequence,
      Map<String, DynamoValue> before,
      Map<String, DynamoValue> after) {
    return new ChangeRecord(
        "orders",
        op,
        Map.of("order_id", new DynamoValue.S(id)),
        after,
        before,
        T0 + second * 1_000_000L,
        "event-" + sequence,
        new SourcePosition(SourceKind.DYNAMODB_STREAMS, ARN, "shardId-1", Long.toString(sequence)));
  }

  private static Map<String, DynamoValue> item(String id, String amount, String status) {
    Map<String, DynamoValue> item = new LinkedHashMap<>();
    item.put("order_id", new DynamoValue.S(id));
    item.put("amount", DynamoValue.N.of(new BigDecimal(amount)));
    item.put("status", new DynamoValue.S(status));
    return item;
  }
}
