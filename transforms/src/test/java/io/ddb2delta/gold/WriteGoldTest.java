package io.ddb2delta.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaType;
import io.ddb2delta.gold.OrderChanges.Order;
import io.ddb2delta.mapping.TableMapping;
import io.delta.standalone.DeltaLog;
import io.delta.standalone.actions.AddFile;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteGoldTest implements Serializable {
  @TempDir transient Path root;

  /**
   * The table's rows, rendered as {@link GoldRows} renders them: delta-standalone lists the files,
   * parquet-avro reads them.
   */
  private Map<String, String> read(GoldTable table) throws IOException {
    Path tableRoot = root.resolve(table.tableName());
    Map<String, String> rows = new TreeMap<>();
    for (AddFile f :
        DeltaLog.forTable(new Configuration(), tableRoot.toString()).update().getAllFiles()) {
      try (ParquetReader<GenericRecord> reader =
          AvroParquetReader.<GenericRecord>builder(
                  new LocalInputFile(tableRoot.resolve(f.getPath())))
              .withDataModel(GenericData.get())
              .build()) {
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          List<Object> key = new ArrayList<>();
          Object[] row = new Object[table.schema().columns().size()];
          for (int i = 0; i < row.length; i++) {
            DeltaColumn c = table.schema().columns().get(i);
            row[i] = value(c.type(), r.get(c.name()));
            if (table.keyColumns().contains(c.name())) {
              key.add(row[i]);
            }
          }
          GoldRow g = new GoldRow(new GoldKey(table.tableName(), key), row, 0);
          assertThat(rows.put(GoldRows.key(g), GoldRows.values(g))).as("one row per key").isNull();
        }
      }
    }
    return rows;
  }

  private static Object value(DeltaType type, Object v) {
    if (v instanceof GenericFixed fixed) {
      return new BigDecimal(new BigInteger(fixed.bytes()), ((DeltaType.Decimal) type).scale());
    }
    return v instanceof CharSequence s ? s.toString() : v;
  }

  @Test
  void aLateChangeReplacesItsWindowsRowAndAnEmptiedGroupLosesItsRow() throws IOException {
    Order o1 = new Order("o1", "c1", "p1", "10.00", "pending", "2026-12-01T10:15:00Z");
    Order o2 = new Order("o2", "c2", "p1", "4.00", "pending", "2026-12-01T10:20:00Z");
    Instant t0 = Instant.parse("2026-12-02T12:00:00Z");
    TestStream<io.ddb2delta.cdc.DecodedMessage> stream =
        TestStream.create(OrderChanges.CODER)
            .advanceWatermarkTo(t0)
            .addElements(
                TimestampedValue.of(OrderChanges.insert("e1", "2026-12-02T12:01:00Z", 1, o1), t0),
                TimestampedValue.of(OrderChanges.insert("e2", "2026-12-02T12:01:30Z", 2, o2), t0))
            .advanceWatermarkTo(t0.plus(Duration.standardMinutes(6)))
            .advanceProcessingTime(Duration.standardSeconds(5))
            .addElements(
                TimestampedValue.of(
                    OrderChanges.remove("e3", "2026-12-02T12:04:00Z", 3, o2),
                    t0.plus(Duration.standardMinutes(6))))
            .advanceProcessingTime(Duration.standardSeconds(5))
            .advanceWatermarkToInfinity();
    TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    p.apply(stream)
        .apply(AggregateGold.of(TableMapping.shipped("orders")))
        .apply(
            WriteGold.into(root.toString(), "test")
                .withCommitInterval(Duration.standardSeconds(1)));
    p.run().waitUntilFinish();

    assertThat(read(GoldTable.WINDOWED_METRICS))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "orders_windowed_metrics 2026-12-02T12:00:00Z INSERT",
                "window_end=2026-12-02T12:05:00Z event_count=2 total_amount=14.00"
                    + " unique_customers=2 avg_order_value=7.00",
                "orders_windowed_metrics 2026-12-02T12:00:00Z REMOVE",
                "window_end=2026-12-02T12:05:00Z event_count=1 total_amount=4.00"
                    + " unique_customers=1 avg_order_value=4.00"));
    assertThat(read(GoldTable.CUSTOMER_ANALYTICS))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "customer_analytics c1",
                "order_count=1 lifetime_value=10.00 avg_order_value=10.00"
                    + " first_order_at=2026-12-01T10:15:00Z last_order_at=2026-12-01T10:15:00Z"
                    + " tenure_days=0"));
    assertThat(read(GoldTable.PRODUCT_PERFORMANCE))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "product_performance p1",
                "order_count=1 total_revenue=10.00 avg_price=10.00 unique_customers=1"));
    assertThat(read(GoldTable.DAILY_METRICS))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "orders_daily_metrics 2026-12-01 pending",
                "order_count=1 total_amount=10.00 avg_order_value=10.00 unique_customers=1"));
  }
}
