package io.ddb2delta.current;

import java.io.Serializable;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What one MERGE into one {@code <table>_current} or {@code <table>_history} did: the table version
 * it made, the changes it applied, the bronze version it read through, when it finished and how
 * long it took, how long the oldest of its changes had waited in bronze ({@code lagMillis}, null
 * after a whole-table catch-up), and Delta's MERGE metrics.
 */
public record CurrentCommit(
    String table,
    long version,
    long changes,
    long bronzeVersion,
    long committedAtMillis,
    long durationMillis,
    @Nullable Long lagMillis,
    Map<String, Long> metrics)
    implements Serializable {
  public CurrentCommit {
    metrics = Map.copyOf(metrics);
  }
}
