package io.ddb2delta.cdc;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * A small summary of many event times (epoch milliseconds), from which the quantiles of event to
 * commit latency are read: the order statistics at {@link #POINTS} evenly spaced ranks, with the
 * count they stand for. Summaries merge by weight, so a commit of several writers' batches reads
 * quantiles over all of them, within about one rank step (1/128) of the exact ones.
 */
public record EventTimes(long count, long[] points) implements Serializable {
  static final int POINTS = 129;
  private static final EventTimes NONE = new EventTimes(0, new long[0]);

  public EventTimes {
    points = points.clone();
  }

  @Override
  public long[] points() {
    return points.clone();
  }

  public static EventTimes none() {
    return NONE;
  }

  /** The summary of {@code n} event times held in {@code times} (which it sorts). */
  public static EventTimes of(long[] times, int n) {
    if (n == 0) {
      return NONE;
    }
    Arrays.sort(times, 0, n);
    int k = Math.min(n, POINTS);
    long[] points = new long[k];
    for (int i = 0; i < k; i++) {
      points[i] = times[(int) ((long) i * (n - 1) / Math.max(1, k - 1))];
    }
    return new EventTimes(n, points);
  }

  /**
   * The event time at quantile {@code q} (0 the oldest, 1 the newest) over several summaries, each
   * point standing for its summary's count over its number of points; -1 when all are empty.
   */
  public static long quantile(List<EventTimes> summaries, double q) {
    long total = 0;
    int size = 0;
    for (EventTimes s : summaries) {
      total += s.count;
      size += s.points.length;
    }
    if (total == 0) {
      return -1;
    }
    long[] values = new long[size];
    double[] weights = new double[size];
    Integer[] order = new Integer[size];
    int i = 0;
    for (EventTimes s : summaries) {
      for (long p : s.points) {
        values[i] = p;
        weights[i] = (double) s.count / s.points.length;
        order[i] = i;
        i++;
      }
    }
    Arrays.sort(order, (a, b) -> Long.compare(values[a], values[b]));
    double target = q * total;
    double seen = 0;
    for (int o : order) {
      seen += weights[o];
      if (seen >= target) {
        return values[o];
      }
    }
    return values[order[size - 1]];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventTimes e && count == e.count && Arrays.equals(points, e.points);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(count) * 31 + Arrays.hashCode(points);
  }

  @Override
  public String toString() {
    return "EventTimes[" + count + " times, " + points.length + " points]";
  }
}
