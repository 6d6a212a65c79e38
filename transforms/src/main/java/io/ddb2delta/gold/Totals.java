package io.ddb2delta.gold;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashSet;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The aggregates of one gold group over the entries still in it: the count, the sum and average of
 * the amounts present (as SQL's SUM and AVG, which skip nulls), the distinct customers, the first
 * and last creation times, and the newest change seen, departures included.
 */
public record Totals(
    long count,
    @Nullable BigDecimal sum,
    long amounts,
    long customers,
    @Nullable Long firstCreatedMicros,
    @Nullable Long lastCreatedMicros,
    long version) {

  public static Totals of(Iterable<Contribution> entries) {
    long count = 0;
    long amounts = 0;
    BigDecimal sum = null;
    Set<String> customers = new HashSet<>();
    Long first = null;
    Long last = null;
    long version = Long.MIN_VALUE;
    for (Contribution c : entries) {
      version = Math.max(version, c.eventMicros());
      if (!c.live()) {
        continue;
      }
      count++;
      if (c.amount() != null) {
        amounts++;
        sum = sum == null ? c.amount() : sum.add(c.amount());
      }
      if (c.customerId() != null) {
        customers.add(c.customerId());
      }
      if (c.createdAtMicros() != null) {
        long t = c.createdAtMicros();
        first = first == null ? t : Math.min(first, t);
        last = last == null ? t : Math.max(last, t);
      }
    }
    return new Totals(count, sum, amounts, customers.size(), first, last, version);
  }

  /** The sum at a column's scale, or null when no entry has an amount. */
  public @Nullable BigDecimal sum(int scale) {
    return sum == null ? null : sum.setScale(scale, RoundingMode.HALF_UP);
  }

  /** The average amount rounded half up to {@code scale}, as SQL's CAST(AVG(x) AS DECIMAL). */
  public @Nullable BigDecimal average(int scale) {
    return sum == null
        ? null
        : sum.divide(BigDecimal.valueOf(amounts), scale, RoundingMode.HALF_UP);
  }
}
