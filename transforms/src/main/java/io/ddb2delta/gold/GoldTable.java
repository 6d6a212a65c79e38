package io.ddb2delta.gold;

import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaTableSchema;
import io.ddb2delta.delta.DeltaType;
import java.util.ArrayList;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The gold tables over orders: their schemas, keys, and how a group's {@link Totals} become a row.
 *
 * <p>{@link #WINDOWED_METRICS} aggregates the change log in 5-minute event-time windows by event
 * type; every other table aggregates the orders as they are now (the latest image of each order not
 * removed), grouped by a value of that image, so an update moves an order between groups and a
 * REMOVE takes it out. Every table ends with {@code _version} (the event time in microseconds of
 * the newest change its row reflects, by which the upsert refuses a stale row) and {@code
 * updated_at}.
 */
public enum GoldTable {
  WINDOWED_METRICS(
      "orders_windowed_metrics",
      List.of("window_start", "event_type"),
      List.of(
          DeltaColumn.required("window_start", DeltaType.TIMESTAMP),
          DeltaColumn.required("window_end", DeltaType.TIMESTAMP),
          DeltaColumn.required("event_type", DeltaType.STRING),
          DeltaColumn.required("event_count", DeltaType.LONG),
          DeltaColumn.of("total_amount", Money.TOTAL),
          DeltaColumn.required("unique_customers", DeltaType.LONG),
          DeltaColumn.of("avg_order_value", Money.AVERAGE))) {
    @Override
    Object[] values(List<Object> key, Totals t) {
      long start = (Long) key.get(0);
      return new Object[] {
        start, start + WINDOW_MICROS, key.get(1), t.count(), t.sum(2), t.customers(), t.average(2)
      };
    }
  },
  HOURLY_METRICS(
      "orders_hourly_metrics",
      List.of("hour"),
      List.of(
          DeltaColumn.required("hour", DeltaType.TIMESTAMP),
          DeltaColumn.required("order_count", DeltaType.LONG),
          DeltaColumn.of("total_revenue", Money.TOTAL),
          DeltaColumn.of("avg_order_value", Money.AVERAGE),
          DeltaColumn.required("unique_customers", DeltaType.LONG))) {
    @Override
    @Nullable List<Object> groupOf(OrderImage o) {
      return o.createdAtMicros() == null
          ? null
          : List.of(Math.floorDiv(o.createdAtMicros(), HOUR_MICROS) * HOUR_MICROS);
    }

    @Override
    Object[] values(List<Object> key, Totals t) {
      return new Object[] {key.get(0), t.count(), t.sum(2), t.average(2), t.customers()};
    }
  },
  DAILY_METRICS(
      "orders_daily_metrics",
      List.of("order_date", "order_status"),
      List.of(
          DeltaColumn.required("order_date", DeltaType.DATE),
          DeltaColumn.required("order_status", DeltaType.STRING),
          DeltaColumn.required("order_count", DeltaType.LONG),
          DeltaColumn.of("total_amount", Money.TOTAL),
          DeltaColumn.of("avg_order_value", Money.AVERAGE),
          DeltaColumn.required("unique_customers", DeltaType.LONG))) {
    @Override
    @Nullable List<Object> groupOf(OrderImage o) {
      return o.createdAtMicros() == null || o.status() == null
          ? null
          : List.of((int) Math.floorDiv(o.createdAtMicros(), DAY_MICROS), o.status());
    }

    @Override
    Object[] values(List<Object> key, Totals t) {
      return new Object[] {
        key.get(0), key.get(1), t.count(), t.sum(2), t.average(2), t.customers()
      };
    }
  },
  CUSTOMER_ANALYTICS(
      "customer_analytics",
      List.of("customer_id"),
      List.of(
          DeltaColumn.required("customer_id", DeltaType.STRING),
          DeltaColumn.required("order_count", DeltaType.LONG),
          DeltaColumn.of("lifetime_value", Money.TOTAL),
          DeltaColumn.of("avg_order_value", Money.AVERAGE),
          DeltaColumn.of("first_order_at", DeltaType.TIMESTAMP),
          DeltaColumn.of("last_order_at", DeltaType.TIMESTAMP),
          DeltaColumn.of("tenure_days", DeltaType.INT))) {
    @Override
    @Nullable List<Object> groupOf(OrderImage o) {
      return o.customerId() == null ? null : List.of(o.customerId());
    }

    @Override
    Object[] values(List<Object> key, Totals t) {
      Integer tenure =
          t.firstCreatedMicros() == null
              ? null
              : (int)
                  (Math.floorDiv(t.lastCreatedMicros(), DAY_MICROS)
                      - Math.floorDiv(t.firstCreatedMicros(), DAY_MICROS));
      return new Object[] {
        key.get(0),
        t.count(),
        t.sum(2),
        t.average(2),
        t.firstCreatedMicros(),
        t.lastCreatedMicros(),
        tenure
      };
    }
  },
  PRODUCT_PERFORMANCE(
      "product_performance",
      List.of("product_id"),
      List.of(
          DeltaColumn.required("product_id", DeltaType.STRING),
          DeltaColumn.required("order_count", DeltaType.LONG),
          DeltaColumn.of("total_revenue", Money.TOTAL),
          DeltaColumn.of("avg_price", Money.AVERAGE),
          DeltaColumn.required("unique_customers", DeltaType.LONG))) {
    @Override
    @Nullable List<Object> groupOf(OrderImage o) {
      return o.productId() == null ? null : List.of(o.productId());
    }

    @Override
    Object[] values(List<Object> key, Totals t) {
      return new Object[] {key.get(0), t.count(), t.sum(2), t.average(2), t.customers()};
    }
  },
  /** The z-score of each hour's order count and revenue against the trailing 24 hours. */
  ANOMALIES(
      "orders_anomalies",
      List.of("hour", "metric"),
      List.of(
          DeltaColumn.required("hour", DeltaType.TIMESTAMP),
          DeltaColumn.required("metric", DeltaType.STRING),
          DeltaColumn.of("value", DeltaType.DOUBLE),
          DeltaColumn.of("trailing_mean", DeltaType.DOUBLE),
          DeltaColumn.of("trailing_stddev", DeltaType.DOUBLE),
          DeltaColumn.required("trailing_hours", DeltaType.LONG),
          DeltaColumn.of("z_score", DeltaType.DOUBLE),
          DeltaColumn.required("severity", DeltaType.STRING))) {
    @Override
    Object[] values(List<Object> key, Totals t) {
      throw new UnsupportedOperationException("anomalies are not totals; see HourlyAnomalies");
    }
  };

  /** The length of a {@link #WINDOWED_METRICS} window: the seed's 5 minutes. */
  public static final long WINDOW_MICROS = 5 * 60 * 1_000_000L;

  static final long HOUR_MICROS = 3_600_000_000L;
  static final long DAY_MICROS = 24 * HOUR_MICROS;

  /** Held apart: an enum's own static fields are not yet set when its constants are built. */
  private static final class Money {
    static final DeltaType TOTAL = new DeltaType.Decimal(18, 2);
    static final DeltaType AVERAGE = new DeltaType.Decimal(12, 2);
  }

  private final String tableName;
  private final List<String> keyColumns;
  private final DeltaTableSchema schema;

  GoldTable(String tableName, List<String> keyColumns, List<DeltaColumn> columns) {
    this.tableName = tableName;
    this.keyColumns = keyColumns;
    List<DeltaColumn> all = new ArrayList<>(columns);
    all.add(
        new DeltaColumn(
            "_version",
            DeltaType.LONG,
            false,
            "greater for every newer value of the row: a window's event count; for current"
                + " orders, 1000 x the event time (microseconds) of the newest change the row"
                + " reflects, plus a step"));
    all.add(
        new DeltaColumn(
            "updated_at", DeltaType.TIMESTAMP, false, "when the pipeline computed this row"));
    this.schema = new DeltaTableSchema(all, List.of());
  }

  public String tableName() {
    return tableName;
  }

  public List<String> keyColumns() {
    return keyColumns;
  }

  public DeltaTableSchema schema() {
    return schema;
  }

  /** The tables that aggregate current orders, not the change log. */
  public static List<GoldTable> ofCurrentOrders() {
    return List.of(HOURLY_METRICS, DAILY_METRICS, CUSTOMER_ANALYTICS, PRODUCT_PERFORMANCE);
  }

  public static GoldTable named(String name) {
    for (GoldTable t : values()) {
      if (t.tableName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("no gold table " + name);
  }

  /** The group of an order image in this table, or null if the image belongs to none. */
  @Nullable List<Object> groupOf(OrderImage o) {
    throw new UnsupportedOperationException(tableName + " groups changes, not orders");
  }

  /** The table's columns before {@code _version} and {@code updated_at}. */
  abstract Object[] values(List<Object> key, Totals t);

  /**
   * The whole row of a group at {@code version}, or null when no entry is left in it (the row is
   * then deleted).
   */
  Object @Nullable [] row(List<Object> key, Totals t, long version, long updatedMicros) {
    if (t.count() == 0) {
      return null;
    }
    Object[] v = values(key, t);
    Object[] row = java.util.Arrays.copyOf(v, v.length + 2);
    row[v.length] = version;
    row[v.length + 1] = updatedMicros;
    return row;
  }
}
