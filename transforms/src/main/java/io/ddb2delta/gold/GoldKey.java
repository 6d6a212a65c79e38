package io.ddb2delta.gold;

import java.util.List;
import java.util.Objects;

/**
 * One row of one gold table: the table's name and its key values, in the table's key-column order
 * (strings, and timestamps in microseconds as {@code Long}, dates as epoch days in {@code
 * Integer}).
 */
public record GoldKey(String table, List<Object> values) {
  public GoldKey {
    Objects.requireNonNull(table, "table");
    values = List.copyOf(values);
  }
}
