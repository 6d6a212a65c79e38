package io.ddb2delta.delta;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The columns of a Delta table, which of them partition it, and which hold values so distinct
 * (images, ids, positions) that Parquet dictionary encoding would only cost time.
 *
 * <p>Guarantees: column names are unique; every partition column is a column of primitive type;
 * every plain-encoded column is a column. A row for this schema is an {@code Object[]} in column
 * order, with the Java types {@link DeltaType} names.
 */
public record DeltaTableSchema(
    List<DeltaColumn> columns, List<String> partitionColumns, Set<String> plainEncodedColumns)
    implements Serializable {

  public DeltaTableSchema(List<DeltaColumn> columns, List<String> partitionColumns) {
    this(columns, partitionColumns, Set.of());
  }

  public DeltaTableSchema {
    columns = List.copyOf(columns);
    partitionColumns = List.copyOf(partitionColumns);
    plainEncodedColumns = Set.copyOf(plainEncodedColumns);
    Set<String> names = new HashSet<>();
    for (DeltaColumn c : columns) {
      if (!names.add(c.name())) {
        throw new IllegalArgumentException("duplicate column \"" + c.name() + "\"");
      }
    }
    for (String p : partitionColumns) {
      int i = indexOf(columns, p);
      if (i < 0) {
        throw new IllegalArgumentException("partition column \"" + p + "\" is not a column");
      }
      if (!(columns.get(i).type() instanceof DeltaType.Primitive)) {
        throw new IllegalArgumentException(
            "partition column \"" + p + "\" must be a primitive type");
      }
    }
    for (String c : plainEncodedColumns) {
      if (indexOf(columns, c) < 0) {
        throw new IllegalArgumentException("plain-encoded column \"" + c + "\" is not a column");
      }
    }
  }

  /** The position of the named column, or -1. */
  public int indexOf(String name) {
    return indexOf(columns, name);
  }

  public DeltaColumn column(String name) {
    int i = indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no column \"" + name + "\"");
    }
    return columns.get(i);
  }

  public boolean isPartitionColumn(String name) {
    return partitionColumns.contains(name);
  }

  private static int indexOf(List<DeltaColumn> columns, String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
