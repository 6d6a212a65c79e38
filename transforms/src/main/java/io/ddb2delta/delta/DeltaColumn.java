package io.ddb2delta.delta;

import java.io.Serializable;
import java.util.Objects;

/** One top-level column of a Delta table. */
public record DeltaColumn(String name, DeltaType type, boolean nullable, String comment)
    implements Serializable {
  public DeltaColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    comment = comment == null ? "" : comment;
  }

  public static DeltaColumn of(String name, DeltaType type) {
    return new DeltaColumn(name, type, true, "");
  }

  public static DeltaColumn required(String name, DeltaType type) {
    return new DeltaColumn(name, type, false, "");
  }
}
