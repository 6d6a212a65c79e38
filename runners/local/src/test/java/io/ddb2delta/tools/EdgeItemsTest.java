package io.ddb2delta.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.model.DynamoValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class EdgeItemsTest {
  private final List<Map<String, DynamoValue>> items = EdgeItems.orders();

  @Test
  void everyEdgeItemHasTheMappedOrderAttributes() {
    for (Map<String, DynamoValue> item : items) {
      assertThat(item.get("order_id")).isInstanceOf(DynamoValue.S.class);
      assertThat(item.get("customer_id")).isInstanceOf(DynamoValue.S.class);
      assertThat(item.get("product_id")).isInstanceOf(DynamoValue.S.class);
      assertThat(((DynamoValue.N) item.get("amount")).decimal().scale()).isEqualTo(2);
      assertThat(item.get("status")).isInstanceOf(DynamoValue.S.class);
      assertThat(item.get("created_at")).isEqualTo(new DynamoValue.S("2024-02-29T23:59:59.999Z"));
    }
    assertThat(items.stream().map(i -> i.get("order_id")).distinct()).hasSize(items.size());
  }

  @Test
  void coversDynamoDbsNumberLimits() {
    List<String> numbers = new ArrayList<>();
    for (DynamoValue value : allValues()) {
      if (value instanceof DynamoValue.N n) {
        numbers.add(n.text());
      }
    }

    assertThat(numbers)
        .contains(
            "12345678901234567890123456789012345678",
            "-12345678901234567890123456789012345678",
            "1E-130",
            "-1E-130",
            "9.9999999999999999999999999999999999999E+125",
            "-9.9999999999999999999999999999999999999E+125",
            "-42.5",
            "-15.00");
  }

  @Test
  void coversEveryTypeAndTheNestingEdges() {
    List<DynamoValue> values = allValues();

    assertThat(values).anyMatch(v -> v instanceof DynamoValue.B b && b.length() == 256);
    assertThat(values).anyMatch(v -> v instanceof DynamoValue.B b && b.length() == 0);
    assertThat(values).anyMatch(DynamoValue.SS.class::isInstance);
    assertThat(values).anyMatch(DynamoValue.NS.class::isInstance);
    assertThat(values).anyMatch(DynamoValue.BS.class::isInstance);
    assertThat(values).anyMatch(DynamoValue.Bool.class::isInstance);
    assertThat(values).anyMatch(v -> v.equals(new DynamoValue.S("")));
    assertThat(values).anyMatch(v -> v instanceof DynamoValue.S s && s.value().contains("東京 🎁"));
    assertThat(values)
        .anyMatch(
            v ->
                v instanceof DynamoValue.L l
                    && l.value().stream().anyMatch(DynamoValue.SS.class::isInstance)
                    && l.value().contains(DynamoValue.Null.INSTANCE));
    assertThat(items.stream().mapToInt(i -> maxDepth(i.values())).max()).hasValue(32);
  }

  @Test
  void tellsNullFromAbsent() {
    Predicate<Map<String, DynamoValue>> nullCoupon =
        i -> DynamoValue.Null.INSTANCE.equals(i.get("coupon"));
    assertThat(items).anyMatch(nullCoupon);
    assertThat(items).anyMatch(i -> !i.containsKey("coupon"));
    assertThat(items).anyMatch(i -> i.size() == 6);
  }

  private List<DynamoValue> allValues() {
    List<DynamoValue> values = new ArrayList<>();
    for (Map<String, DynamoValue> item : items) {
      item.values().forEach(v -> collect(v, values));
    }
    return values;
  }

  private static void collect(DynamoValue value, List<DynamoValue> into) {
    into.add(value);
    if (value instanceof DynamoValue.M m) {
      m.value().values().forEach(v -> collect(v, into));
    } else if (value instanceof DynamoValue.L l) {
      l.value().forEach(v -> collect(v, into));
    } else if (value instanceof DynamoValue.NS ns) {
      into.addAll(ns.value());
    } else if (value instanceof DynamoValue.BS bs) {
      into.addAll(bs.value());
    }
  }

  /** Levels of M and L, counting the attribute's own value as level 1. */
  private static int maxDepth(Iterable<DynamoValue> values) {
    int max = 0;
    for (DynamoValue value : values) {
      if (value instanceof DynamoValue.M m) {
        max = Math.max(max, 1 + maxDepth(m.value().values()));
      } else if (value instanceof DynamoValue.L l) {
        max = Math.max(max, 1 + maxDepth(l.value()));
      }
    }
    return max;
  }
}
