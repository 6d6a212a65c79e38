package io.ddb2delta.cdc;

import io.ddb2delta.change.DecodeException;
import io.ddb2delta.model.DynamoValue;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The key attribute names of each mapped table, and whether records of other tables are accepted.
 * Immutable.
 */
final class TableKeys implements Serializable {
  private final Map<String, List<String>> keysByTable;
  private final boolean onlyThese;

  TableKeys(Map<String, List<String>> keysByTable, boolean onlyThese) {
    this.keysByTable =
        keysByTable.entrySet().stream()
            .collect(
                Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> List.copyOf(e.getValue())));
    this.onlyThese = onlyThese;
  }

  /** Throws UNKNOWN_TABLE for a table outside a fixed set. */
  void checkTable(String table) {
    if (onlyThese && !keysByTable.containsKey(table)) {
      throw new DecodeException(
          DecodeException.UNKNOWN_TABLE,
          "record is for table \""
              + table
              + "\", which is not one of the configured tables "
              + keysByTable.keySet().stream().sorted().toList());
    }
  }

  /** Throws MISSING_KEY if {@code keys} lacks a key attribute the table's mapping names. */
  void checkKeys(String table, Map<String, DynamoValue> keys) {
    List<String> expected = keysByTable.getOrDefault(table, List.of());
    for (String name : expected) {
      if (!keys.containsKey(name)) {
        throw new DecodeException(
            DecodeException.MISSING_KEY,
            "Keys has no key attribute \""
                + name
                + "\" (the keys of table \""
                + table
                + "\" are "
                + expected
                + ")");
      }
    }
  }
}
