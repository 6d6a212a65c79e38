package io.ddb2delta.gold;

import java.math.BigDecimal;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The fields of one order image that gold aggregates, typed by the orders table's silver mapping.
 * Only the order id is always present.
 */
public record OrderImage(
    String orderId,
    @Nullable String customerId,
    @Nullable String productId,
    @Nullable BigDecimal amount,
    @Nullable String status,
    @Nullable Long createdAtMicros) {

  public OrderImage {
    Objects.requireNonNull(orderId, "orderId");
  }
}
