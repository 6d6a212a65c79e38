package io.ddb2delta.gold;

import java.util.Arrays;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The new value of one gold row, or with a null {@code row} its removal (the group is empty), as of
 * {@code version}: the event time in microseconds of the newest change the group reflects, which
 * never decreases for a key, so that the upsert can refuse a stale value.
 */
public record GoldRow(GoldKey key, Object @Nullable [] row, long version) {
  public GoldRow {
    Objects.requireNonNull(key, "key");
    row = row == null ? null : row.clone();
  }

  @Override
  public Object @Nullable [] row() {
    return row == null ? null : row.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GoldRow g
        && key.equals(g.key)
        && version == g.version
        && Arrays.equals(row, g.row);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, version, Arrays.hashCode(row));
  }

  @Override
  public String toString() {
    return "GoldRow[" + key + ", " + Arrays.toString(row) + ", version " + version + "]";
  }
}
