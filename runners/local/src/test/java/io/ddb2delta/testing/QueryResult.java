package io.ddb2delta.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Spark returned for one statement, as rendered by the Spark verifier.
 *
 * <p>Values are {@code null}, {@link String} (also decimals as plain strings, binary as base64,
 * timestamps as {@code 2024-03-01T12:34:56.789123Z}, dates as {@code yyyy-MM-dd}), {@link Long} for
 * every integral type, {@link Double} for float and double, {@link Boolean}, {@code List<Object>}
 * for arrays and {@code Map<String, Object>} for maps and structs, in Spark's order. Everything is
 * unmodifiable, and lists and maps may hold nulls.
 *
 * @param sql the statement as sent
 * @param columns the result columns in order
 * @param rows the rows in the order Spark returned them, each with one value per column
 */
public record QueryResult(String sql, List<Column> columns, List<List<Object>> rows) {

  /**
   * One result column.
   *
   * @param name the column name
   * @param type Spark's simple type name, e.g. {@code decimal(10,2)}, {@code array<string>}
   */
  public record Column(String name, String type) {}

  public QueryResult {
    columns = List.copyOf(columns);
    List<List<Object>> copies = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      if (row.size() != columns.size()) {
        throw new IllegalArgumentException(
            "row has " + row.size() + " values for " + columns.size() + " columns: " + row);
      }
      copies.add(Collections.unmodifiableList(new ArrayList<>(row)));
    }
    rows = Collections.unmodifiableList(copies);
  }

  public int rowCount() {
    return rows.size();
  }

  public List<String> columnNames() {
    return columns.stream().map(Column::name).toList();
  }

  /** The Spark type of the named column. */
  public String columnType(String name) {
    return columns.get(columnIndex(name)).type();
  }

  /** The values of the named column, one per row, in row order. */
  public List<Object> column(String name) {
    int index = columnIndex(name);
    List<Object> values = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      values.add(row.get(index));
    }
    return Collections.unmodifiableList(values);
  }

  /** The value of the named column in the given row. */
  public Object value(int row, String column) {
    return rows.get(row).get(columnIndex(column));
  }

  /** The only value of a one-row, one-column result, such as {@code SELECT count(*)}. */
  public Object singleValue() {
    if (rows.size() != 1 || columns.size() != 1) {
      throw new IllegalStateException(
          "expected one row of one column but got "
              + rows.size()
              + " rows of "
              + columnNames()
              + " for: "
              + sql);
    }
    return rows.get(0).get(0);
  }

  /** Each row as a map from column name to value, in column order. */
  public List<Map<String, Object>> rowsAsMaps() {
    List<Map<String, Object>> maps = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (int i = 0; i < columns.size(); i++) {
        map.put(columns.get(i).name(), row.get(i));
      }
      maps.add(Collections.unmodifiableMap(map));
    }
    return Collections.unmodifiableList(maps);
  }

  private int columnIndex(String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "no column " + name + " in " + columnNames() + " of: " + sql);
  }
}
