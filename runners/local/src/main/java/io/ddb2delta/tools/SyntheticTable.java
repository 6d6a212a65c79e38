package io.ddb2delta.tools;

import java.util.Locale;

/** The four tables the synthetic exports model, each with its partition key attribute. */
public enum SyntheticTable {
  USERS("user_id"),
  ORDERS("order_id"),
  PRODUCTS("product_id"),
  TRANSACTIONS("transaction_id");

  private final String keyAttribute;

  SyntheticTable(String keyAttribute) {
    this.keyAttribute = keyAttribute;
  }

  /** The partition key attribute, an S; these tables have no sort key. */
  public String keyAttribute() {
    return keyAttribute;
  }

  /** The DynamoDB table name: {@code users}, {@code orders}, ... */
  public String tableName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
