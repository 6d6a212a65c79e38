package io.ddb2delta.maintain;

import io.ddb2delta.current.CurrentTable;
import io.ddb2delta.current.MergeCurrent;
import io.ddb2delta.delta.KeyedUpsert;
import io.ddb2delta.mapping.TableMapping;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;

/**
 * A lake whose {@code orders_current} was written in many small MERGEs, as a stream leaves it: a
 * 1-byte target gives every MERGE's new key a file of its own.
 */
public final class SmallMergeFiles {
  private SmallMergeFiles() {}

  /** Creates the shipped orders' current tables under {@code root} and merges {@code n} orders. */
  public static void writeOrdersCurrent(Path root, int n) {
    TableMapping orders = TableMapping.shipped("orders");
    MergeCurrent.createTables(root.toString(), List.of(orders));
    CurrentTable table = new CurrentTable(orders);
    KeyedUpsert upsert = table.upsert(root.toString(), 1);
    for (int b = 0; b < n; b++) {
      Object[] row = {
        String.format("ord-%03d", b),
        "c1",
        "p1",
        new BigDecimal("1.00"),
        "pending",
        null,
        "{}",
        "2026-12-04T10:00:00.000000Z c 01" + (b % 10),
        "dynamodb-streams",
        "stream s shard 1 sequence " + b,
        0L
      };
      upsert.apply("test", b, List.of(upsert.put(row)));
    }
  }
}
