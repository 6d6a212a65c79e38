package io.ddb2delta.pipelines.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.current.CurrentTable;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.model.DynamoValue;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CurrentComparison}: live items on one side, rows of {@code orders_current} written out by
 * hand in the table's column order on the other (order_id, customer_id, product_id, order_amount,
 * order_status, created_at in µs, _attributes).
 */
class CurrentComparisonTest {
  private static final CurrentTable ORDERS = new CurrentTable(TableMapping.shipped("orders"));

  /** 2026-12-04T10:00:00Z, in µs since the epoch. */
  private static final long CREATED = 1_796_378_400L * 1_000_000;

  private static Map<String, DynamoValue> item(String id, String status, String amount) {
    Map<String, DynamoValue> item = new LinkedHashMap<>();
    item.put("order_id", new DynamoValue.S(id));
    item.put("customer_id", new DynamoValue.S("c1"));
    item.put("product_id", new DynamoValue.S("p1"));
    item.put("amount", DynamoValue.N.of(amount));
    item.put("status", new DynamoValue.S(status));
    item.put("created_at", new DynamoValue.S("2026-12-04T10:00:00Z"));
    item.put("note", new DynamoValue.S("x"));
    item.put("tags", DynamoValue.SS.of(List.of("b", "a")));
    return item;
  }

  private static Object[] row(String id, String status, String amount) {
    return new Object[] {
      id,
      "c1",
      "p1",
      new BigDecimal(amount),
      status,
      CREATED,
      "{\"tags\":{\"SS\":[\"a\",\"b\"]},\"note\":{\"S\":\"x\"}}"
    };
  }

  @Test
  void equalSidesInAnyOrderHaveNoDifferenceAndTheSameChecksum(@TempDir Path spill)
      throws Exception {
    CurrentComparison.Report report;
    try (CurrentComparison c = new CurrentComparison(ORDERS, spill.resolve("s"), 3, 5)) {
      for (int i = 0; i < 20; i++) {
        c.addItem(ORDERS.itemRow(item("o" + i, "pending", "12.50")));
        c.addRow(row("o" + (19 - i), "pending", "12.50"));
      }
      report = c.finish();
    }
    assertThat(report.dynamoItems()).isEqualTo(20);
    assertThat(report.currentRows()).isEqualTo(20);
    assertThat(report.differences()).isZero();
    assertThat(report.samples()).isEmpty();
    assertThat(report.dynamoChecksum()).isEqualTo(report.currentChecksum()).hasSize(16);
    assertThat(spill.resolve("s")).doesNotExist();
  }

  @Test
  void missingExtraDifferingAndDuplicateRowsAreCountedWithSamples(@TempDir Path spill)
      throws Exception {
    CurrentComparison.Report report;
    try (CurrentComparison c = new CurrentComparison(ORDERS, spill, 2, 10)) {
      c.addItem(ORDERS.itemRow(item("same", "pending", "1.00")));
      c.addRow(row("same", "pending", "1.00"));
      c.addItem(ORDERS.itemRow(item("missing", "pending", "2.00")));
      c.addRow(row("extra", "pending", "3.00"));
      c.addItem(ORDERS.itemRow(item("changed", "shipped", "4.00")));
      c.addRow(row("changed", "pending", "4.00"));
      c.addRow(row("twice", "pending", "5.00"));
      c.addRow(row("twice", "pending", "5.00"));
      c.addItem(ORDERS.itemRow(item("twice", "pending", "5.00")));
      c.addUntypeable("{\"order_id\":{\"S\":\"bad\"}}", "order_amount: not a number");
      report = c.finish();
    }
    assertThat(report.dynamoItems()).isEqualTo(5);
    assertThat(report.currentRows()).isEqualTo(5);
    assertThat(report.missing()).isEqualTo(1);
    assertThat(report.extra()).isEqualTo(1);
    assertThat(report.differing()).isEqualTo(1);
    assertThat(report.duplicateKeys()).isEqualTo(1);
    assertThat(report.untypeable()).isEqualTo(1);
    assertThat(report.differences()).isEqualTo(5);
    assertThat(report.dynamoChecksum()).isNotEqualTo(report.currentChecksum());
    assertThat(report.samples())
        .extracting(CurrentComparison.Sample::key)
        .containsExactlyInAnyOrder(
            "{\"order_id\":{\"S\":\"bad\"}}",
            "[\"missing\"]",
            "[\"extra\"]",
            "[\"changed\"]",
            "[\"twice\"]");
    CurrentComparison.Sample changed =
        report.samples().stream().filter(s -> s.key().equals("[\"changed\"]")).findFirst().get();
    assertThat(changed.dynamo()).contains("\"order_status\":\"shipped\"");
    assertThat(changed.current()).contains("\"order_status\":\"pending\"");
  }
}
