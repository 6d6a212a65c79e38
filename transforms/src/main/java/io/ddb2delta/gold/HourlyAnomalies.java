package io.ddb2delta.gold;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The seed's anomaly rule: an hour's order count, and its revenue, against the mean and sample
 * standard deviation of the hours with orders among the 24 before it. |z| above 2 is ANOMALY, above
 * 1.5 WARNING, else NORMAL; with fewer than two such hours, or no spread, z is null and the hour
 * NORMAL. {@code sql/gold/orders_anomalies.sql} states the same rule for Databricks.
 */
public final class HourlyAnomalies {
  public static final String ORDER_COUNT = "order_count";
  public static final String REVENUE = "revenue";
  static final long HOUR_MICROS = GoldTable.HOUR_MICROS;
  static final double WARNING = 1.5;
  static final double ANOMALY = 2.0;

  private HourlyAnomalies() {}

  /**
   * An hour's two figures, as of a version of its hourly row; revenue is null when no order of the
   * hour has an amount. An hour whose row was deleted stays, not {@code present}, so that an older
   * value arriving after the deletion is known to be stale.
   */
  public record Hour(long orderCount, @Nullable Double revenue, long version, boolean present) {
    public Hour(long orderCount, @Nullable Double revenue, long version) {
      this(orderCount, revenue, version, true);
    }

    static Hour deleted(long version) {
      return new Hour(0, null, version, false);
    }
  }

  /** One metric of one hour, as {@code orders_anomalies} holds it. */
  public record Finding(
      long hourMicros,
      String metric,
      @Nullable Double value,
      @Nullable Double trailingMean,
      @Nullable Double trailingStddev,
      long trailingHours,
      @Nullable Double zScore,
      String severity) {
    Object[] values() {
      return new Object[] {
        hourMicros, metric, value, trailingMean, trailingStddev, trailingHours, zScore, severity
      };
    }
  }

  /** The findings of {@code hour} (which {@code hours} must hold, present), its two metrics. */
  public static List<Finding> evaluate(NavigableMap<Long, Hour> hours, long hour) {
    NavigableMap<Long, Hour> trailing = hours.subMap(hour - 24 * HOUR_MICROS, true, hour, false);
    Hour now = hours.get(hour);
    List<Double> counts = new ArrayList<>();
    List<Double> revenues = new ArrayList<>();
    for (Hour h : trailing.values()) {
      if (!h.present()) {
        continue;
      }
      counts.add((double) h.orderCount());
      if (h.revenue() != null) {
        revenues.add(h.revenue());
      }
    }
    return List.of(
        finding(hour, ORDER_COUNT, (double) now.orderCount(), counts),
        finding(hour, REVENUE, now.revenue(), revenues));
  }

  private static Finding finding(
      long hour, String metric, @Nullable Double value, List<Double> trailing) {
    int n = trailing.size();
    Double mean = null;
    Double stddev = null;
    if (n > 0) {
      double sum = 0;
      for (double v : trailing) {
        sum += v;
      }
      mean = sum / n;
    }
    if (n > 1) {
      double squares = 0;
      for (double v : trailing) {
        squares += (v - mean) * (v - mean);
      }
      stddev = Math.sqrt(squares / (n - 1));
    }
    Double z = value != null && stddev != null && stddev > 0 ? (value - mean) / stddev : null;
    String severity =
        z == null
            ? "NORMAL"
            : Math.abs(z) > ANOMALY ? "ANOMALY" : Math.abs(z) > WARNING ? "WARNING" : "NORMAL";
    return new Finding(hour, metric, value, mean, stddev, n, z, severity);
  }
}
