package io.ddb2delta.gold;

import static io.ddb2delta.gold.OrderChanges.insert;
import static io.ddb2delta.gold.OrderChanges.modify;
import static io.ddb2delta.gold.OrderChanges.remove;
import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.cdc.DecodedMessage;
import io.ddb2delta.gold.OrderChanges.Order;
import io.ddb2delta.mapping.TableMapping;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class AggregateGoldTest implements Serializable {
  private static final TableMapping ORDERS = TableMapping.shipped("orders");

  private static final Order O1 =
      new Order("o1", "c1", "p1", "10.00", "pending", "2026-12-01T10:15:00Z");
  private static final Order O2 =
      new Order("o2", "c1", "p2", "20.00", "pending", "2026-12-01T11:05:00Z");
  private static final Order O3 =
      new Order("o3", "c2", "p1", "5.50", "pending", "2026-12-02T09:00:00Z");

  /**
   * The change log of three orders: o1 cancelled, o2's amount raised, o3 removed, and the raise
   * delivered twice.
   */
  static List<DecodedMessage> changeLog() {
    return List.of(
        insert("e1", "2026-12-02T12:00:01Z", 1, O1),
        insert("e2", "2026-12-02T12:00:02Z", 2, O2),
        insert("e3", "2026-12-02T12:00:03Z", 3, O3),
        modify("e4", "2026-12-02T12:00:04Z", 4, O1, O1.withStatus("cancelled")),
        modify("e5", "2026-12-02T12:00:05Z", 5, O2, O2.withAmount("25.00")),
        remove("e6", "2026-12-02T12:00:06Z", 6, O3),
        modify("e5", "2026-12-02T12:00:05Z", 5, O2, O2.withAmount("25.00")));
  }

  /** What the change log leaves, worked out by hand from the orders as they end. */
  static Map<String, String> expectedGold() {
    Map<String, String> m = new TreeMap<>();
    m.put(
        "orders_daily_metrics 2026-12-01 cancelled",
        "order_count=1 total_amount=10.00 avg_order_value=10.00 unique_customers=1");
    m.put(
        "orders_daily_metrics 2026-12-01 pending",
        "order_count=1 total_amount=25.00 avg_order_value=25.00 unique_customers=1");
    m.put("orders_daily_metrics 2026-12-02 pending", "deleted");
    m.put(
        "orders_hourly_metrics 2026-12-01T10:00:00Z",
        "order_count=1 total_revenue=10.00 avg_order_value=10.00 unique_customers=1");
    m.put(
        "orders_hourly_metrics 2026-12-01T11:00:00Z",
        "order_count=1 total_revenue=25.00 avg_order_value=25.00 unique_customers=1");
    m.put("orders_hourly_metrics 2026-12-02T09:00:00Z", "deleted");
    m.put(
        "customer_analytics c1",
        "order_count=2 lifetime_value=35.00 avg_order_value=17.50"
            + " first_order_at=2026-12-01T10:15:00Z last_order_at=2026-12-01T11:05:00Z"
            + " tenure_days=0");
    m.put("customer_analytics c2", "deleted");
    m.put(
        "product_performance p1",
        "order_count=1 total_revenue=10.00 avg_price=10.00 unique_customers=1");
    m.put(
        "product_performance p2",
        "order_count=1 total_revenue=25.00 avg_price=25.00 unique_customers=1");
    // The hours' order counts and revenue against the hours before them: too few to score.
    m.put(
        "orders_anomalies 2026-12-01T10:00:00Z order_count",
        "value=1.0 trailing_mean=null trailing_stddev=null trailing_hours=0 z_score=null"
            + " severity=NORMAL");
    m.put(
        "orders_anomalies 2026-12-01T10:00:00Z revenue",
        "value=10.0 trailing_mean=null trailing_stddev=null trailing_hours=0 z_score=null"
            + " severity=NORMAL");
    m.put(
        "orders_anomalies 2026-12-01T11:00:00Z order_count",
        "value=1.0 trailing_mean=1.0 trailing_stddev=null trailing_hours=1 z_score=null"
            + " severity=NORMAL");
    m.put(
        "orders_anomalies 2026-12-01T11:00:00Z revenue",
        "value=25.0 trailing_mean=10.0 trailing_stddev=null trailing_hours=1 z_score=null"
            + " severity=NORMAL");
    m.put("orders_anomalies 2026-12-02T09:00:00Z order_count", "deleted");
    m.put("orders_anomalies 2026-12-02T09:00:00Z revenue", "deleted");
    m.put(
        "orders_windowed_metrics 2026-12-02T12:00:00Z INSERT",
        "window_end=2026-12-02T12:05:00Z event_count=3 total_amount=35.50 unique_customers=2"
            + " avg_order_value=11.83");
    m.put(
        "orders_windowed_metrics 2026-12-02T12:00:00Z MODIFY",
        "window_end=2026-12-02T12:05:00Z event_count=2 total_amount=35.00 unique_customers=1"
            + " avg_order_value=17.50");
    m.put(
        "orders_windowed_metrics 2026-12-02T12:00:00Z REMOVE",
        "window_end=2026-12-02T12:05:00Z event_count=1 total_amount=5.50 unique_customers=1"
            + " avg_order_value=5.50");
    return m;
  }

  @Test
  void updatesAndRemovesRetractWhatTheOrderContributedAndADuplicateCountsOnce() {
    TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    PCollection<GoldRow> rows =
        p.apply(Create.of(changeLog()).withCoder(OrderChanges.CODER))
            .apply(AggregateGold.of(ORDERS));
    PAssert.that(rows)
        .satisfies(
            all -> {
              assertThat(GoldRows.latest(all)).isEqualTo(expectedGold());
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  void theSameChangesInReverseOrderGiveTheSameGold() {
    List<DecodedMessage> reversed = new ArrayList<>(changeLog());
    java.util.Collections.reverse(reversed);
    TestStream.Builder<DecodedMessage> stream = TestStream.create(OrderChanges.CODER);
    // One change per bundle, so that the per-bundle combining cannot hide the order.
    for (DecodedMessage m : reversed) {
      stream = stream.addElements(TimestampedValue.of(m, new Instant(0)));
    }
    TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    PCollection<GoldRow> rows =
        p.apply(stream.advanceWatermarkToInfinity()).apply(AggregateGold.of(ORDERS));
    PAssert.that(rows)
        .satisfies(
            all -> {
              assertThat(GoldRows.latest(all)).isEqualTo(expectedGold());
              return null;
            });
    p.run().waitUntilFinish();
  }

  private static Order order(int i) {
    return new Order("w" + i, "c" + i, "p1", i + ".00", "pending", "2026-12-02T12:00:00Z");
  }

  /**
   * A window's panes with lateness: an early pane before the watermark reaches the window's end,
   * the on-time pane when it does, a late pane that replaces the row within the allowed lateness,
   * and nothing for a change after it.
   */
  @Test
  void aWindowFiresEarlyOnTimeAndLateAndDropsWhatComesAfterItsAllowedLateness() {
    Instant start = Instant.parse("2026-12-02T12:00:00Z");
    Instant end = start.plus(Duration.standardMinutes(5));
    TestStream<DecodedMessage> stream =
        TestStream.create(OrderChanges.CODER)
            .advanceWatermarkTo(start)
            .addElements(
                TimestampedValue.of(insert("a", "2026-12-02T12:01:00Z", 1, order(1)), start))
            .advanceProcessingTime(Duration.standardSeconds(3))
            .addElements(
                TimestampedValue.of(insert("b", "2026-12-02T12:02:00Z", 2, order(2)), start))
            .advanceWatermarkTo(end.plus(Duration.standardMinutes(1)))
            .addElements(
                TimestampedValue.of(
                    insert("c", "2026-12-02T12:03:00Z", 3, order(3)),
                    end.plus(Duration.standardMinutes(1))))
            .advanceWatermarkTo(end.plus(Duration.standardMinutes(20)))
            .addElements(
                TimestampedValue.of(
                    insert("d", "2026-12-02T12:04:00Z", 4, order(4)),
                    end.plus(Duration.standardMinutes(20))))
            .advanceWatermarkToInfinity();
    TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    PCollection<String> panes =
        p.apply(stream)
            .apply(
                AggregateGold.of(ORDERS)
                    .withAllowedLateness(Duration.standardMinutes(10))
                    .withEarlyFiringDelay(Duration.standardSeconds(2)))
            .apply(Filter.by(r -> r.key().table().equals(GoldTable.WINDOWED_METRICS.tableName())))
            .apply(
                MapElements.into(TypeDescriptors.strings())
                    .via(r -> GoldRows.key(r) + ": " + GoldRows.values(r)));
    String key =
        "orders_windowed_metrics 2026-12-02T12:00:00Z INSERT: window_end=2026-12-02T12:05:00Z";
    PAssert.that(panes)
        .containsInAnyOrder(
            key + " event_count=1 total_amount=1.00 unique_customers=1 avg_order_value=1.00",
            key + " event_count=2 total_amount=3.00 unique_customers=2 avg_order_value=1.50",
            key + " event_count=3 total_amount=6.00 unique_customers=3 avg_order_value=2.00");
    p.run().waitUntilFinish();
  }

  /**
   * A day of 10 and 12 orders an hour, then an hour of 14: the graph's anomaly detection marks that
   * hour's count and revenue ANOMALY (z = 3 / sqrt(24 / 23) = 2.94), and the hours before it
   * NORMAL.
   */
  @Test
  void anInjectedSpikeInAnHoursOrdersIsAnAnomaly() {
    List<DecodedMessage> inserts = new ArrayList<>();
    int n = 0;
    for (int hour = 0; hour <= 24; hour++) {
      int orders = hour == 24 ? 14 : hour % 2 == 0 ? 10 : 12;
      for (int i = 0; i < orders; i++) {
        n++;
        String created =
            java.time.Instant.parse("2026-12-01T00:00:00Z")
                .plusSeconds(hour * 3600L + i * 60L)
                .toString();
        inserts.add(
            insert(
                "s" + n,
                "2026-12-02T12:00:00Z",
                n,
                new Order("s" + n, "c" + n, "p1", "5.00", "pending", created)));
      }
    }
    TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    PCollection<GoldRow> rows =
        p.apply(Create.of(inserts).withCoder(OrderChanges.CODER)).apply(AggregateGold.of(ORDERS));
    PAssert.that(rows)
        .satisfies(
            all -> {
              Map<String, String> latest = GoldRows.latest(all);
              assertThat(latest.get("orders_anomalies 2026-12-02T00:00:00Z order_count"))
                  .startsWith("value=14.0 trailing_mean=11.0 trailing_stddev=1.0215")
                  .contains("trailing_hours=24 z_score=2.9368")
                  .endsWith("severity=ANOMALY");
              assertThat(latest.get("orders_anomalies 2026-12-02T00:00:00Z revenue"))
                  .startsWith("value=70.0 trailing_mean=55.0")
                  .endsWith("severity=ANOMALY");
              assertThat(latest.get("orders_anomalies 2026-12-01T23:00:00Z order_count"))
                  .endsWith("severity=NORMAL");
              assertThat(latest.keySet().stream().filter(k -> k.startsWith("orders_anomalies")))
                  .hasSize(50);
              return null;
            });
    p.run().waitUntilFinish();
  }
}
