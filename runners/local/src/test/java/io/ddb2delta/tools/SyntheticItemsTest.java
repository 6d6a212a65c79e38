package io.ddb2delta.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.model.DynamoValue;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SyntheticItemsTest {

  @ParameterizedTest
  @EnumSource(SyntheticTable.class)
  void itemIDependsOnlyOnSeedTableAndI(SyntheticTable table) {
    SyntheticItems items = new SyntheticItems(table, 42);
    Map<String, DynamoValue> fifth = items.item(5);

    for (long i = 0; i < 5; i++) {
      new SyntheticItems(table, 42).item(i);
    }

    assertThat(new SyntheticItems(table, 42).item(5)).isEqualTo(fifth);
    assertThat(new SyntheticItems(table, 43).item(5)).isNotEqualTo(fifth);
    assertThat(items.item(6)).isNotEqualTo(fifth);
  }

  @Test
  void eachTableHasItsMappedAttributes() {
    assertThat(new SyntheticItems(SyntheticTable.USERS, 1).item(0))
        .containsKeys(
            "user_id", "email", "name", "country", "signup_at", "tier", "marketing_opt_in")
        .containsEntry("user_id", new DynamoValue.S("user-0000000"));
    assertThat(new SyntheticItems(SyntheticTable.ORDERS, 1).item(42))
        .containsKeys(
            "order_id",
            "customer_id",
            "product_id",
            "amount",
            "status",
            "created_at",
            "shipping_address",
            "line_items",
            "gift")
        .containsEntry("order_id", new DynamoValue.S("ord-000000042"));
    assertThat(new SyntheticItems(SyntheticTable.PRODUCTS, 1).item(7))
        .containsKeys(
            "product_id",
            "name",
            "category",
            "price",
            "stock",
            "updated_at",
            "dimensions",
            "images")
        .containsEntry("product_id", new DynamoValue.S("prod-00007"));
    assertThat(new SyntheticItems(SyntheticTable.TRANSACTIONS, 1).item(3))
        .containsKeys(
            "transaction_id",
            "order_id",
            "customer_id",
            "amount",
            "currency",
            "payment_method",
            "status",
            "created_at")
        .containsEntry("transaction_id", new DynamoValue.S("txn-000000003"));
  }

  @ParameterizedTest
  @EnumSource(SyntheticTable.class)
  void anUpdateKeepsTheKeyAndChangesTheItem(SyntheticTable table) {
    SyntheticItems items = new SyntheticItems(table, 9);
    for (long i = 0; i < 20; i++) {
      Map<String, DynamoValue> before = items.item(i);
      Map<String, DynamoValue> after = items.updated(i);

      assertThat(after).isNotEqualTo(before);
      assertThat(items.key(after)).isEqualTo(items.key(before));
      assertThat(items.key(before))
          .containsOnlyKeys(table.keyAttribute())
          .containsEntry(table.keyAttribute(), new DynamoValue.S(items.id(i)));
    }
  }
}
