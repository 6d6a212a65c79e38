package io.ddb2delta.current;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.delta.KeyedUpsert;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.tables.BronzeTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KeyedUpsert#forgetTombstones} on {@code orders_current}: the tombstones of deletes applied
 * before the cut-off go, in one commit that a retry does not repeat, and the others stay and keep
 * an older change out; a forgotten one no longer does, which is why the horizon must outlast every
 * late change. The expected tables are written out by hand.
 */
class TombstoneHorizonTest {
  private static final TableMapping ORDERS = TableMapping.shipped("orders");
  private static final long T0 = 1_796_119_200_000_000L; // 2026-12-01T10:00:00Z
  private static final String ARN = "arn:aws:dynamodb:local:000000000000:table/orders/stream/x";

  @TempDir Path root;

  @Test
  void tombstonesOlderThanTheCutOffAreForgottenAndTheOthersStillKeepOldChangesOut()
      throws IOException, InterruptedException {
    MergeCurrent.createTables(root.toString(), List.of(ORDERS));
    CurrentTable table = new CurrentTable(ORDERS);
    KeyedUpsert upsert = table.upsert(root.toString(), 1L << 20);
    upsert.apply(
        "t",
        0,
        List.of(
            change(table, upsert, Op.INSERT, "o1", null, item("o1"), 0, 101),
            change(table, upsert, Op.INSERT, "o2", null, item("o2"), 0, 102)));
    upsert.apply("t", 1, List.of(change(table, upsert, Op.REMOVE, "o1", item("o1"), null, 5, 103)));
    Thread.sleep(20);
    long between = System.currentTimeMillis() * 1000;
    Thread.sleep(20);
    upsert.apply("t", 2, List.of(change(table, upsert, Op.REMOVE, "o2", item("o2"), null, 6, 104)));
    Path tombstones = root.resolve("orders_current_tombstones");
    assertThat(OrdersCurrentRows.tombstones(tombstones)).containsOnlyKeys("o1", "o2");

    // o1's delete was applied before the cut-off, o2's after it.
    assertThat(upsert.forgetTombstones("forget", 1, between)).isEqualTo(1);
    assertThat(OrdersCurrentRows.tombstones(tombstones)).containsOnlyKeys("o2");
    long version = DeltaTable.forPath(tombstones.toString()).version();
    assertThat(upsert.forgetTombstones("forget", 1, between)).isZero();
    assertThat(DeltaTable.forPath(tombstones.toString()).version()).isEqualTo(version);

    // The INSERTs delivered again, older than both deletes: o2's tombstone keeps it out, o1 has
    // none left and comes back.
    upsert.apply(
        "t",
        3,
        List.of(
            change(table, upsert, Op.INSERT, "o1", null, item("o1"), 0, 101),
            change(table, upsert, Op.INSERT, "o2", null, item("o2"), 0, 102)));
    assertThat(OrdersCurrentRows.read(root.resolve("orders_current")))
        .isEqualTo(Map.of("o1", "pending 1.00"));
  }

  private static KeyedUpsert.Change change(
      CurrentTable table,
      KeyedUpsert upsert,
      Op op,
      String id,
      @Nullable Map<String, DynamoValue> before,
      @Nullable Map<String, DynamoValue> after,
      int second,
      int sequence) {
    ChangeRecord r =
        new ChangeRecord(
            "orders",
            op,
            Map.of("order_id", new DynamoValue.S(id)),
            after,
            before,
            T0 + second * 1_000_000L,
            "event-" + sequence,
            new SourcePosition(
                SourceKind.DYNAMODB_STREAMS, ARN, "shardId-1", String.format("%021d", sequence)));
    return table.change(
        upsert,
        new DecodedChange(r, new BronzeTable.RawImages(null, null, null), null, false, null),
        T0);
  }

  private static Map<String, DynamoValue> item(String id) {
    Map<String, DynamoValue> item = new LinkedHashMap<>();
    item.put("order_id", new DynamoValue.S(id));
    item.put("amount", DynamoValue.N.of("1.00"));
    item.put("status", new DynamoValue.S("pending"));
    return item;
  }
}
