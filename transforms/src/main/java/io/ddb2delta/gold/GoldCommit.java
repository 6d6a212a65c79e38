package io.ddb2delta.gold;

import java.io.Serializable;
import java.util.Map;

/**
 * What one upsert into one gold table did: the table version it made, the rows it received, when it
 * finished and how long it took, and Delta's MERGE metrics.
 */
public record GoldCommit(
    String table,
    long version,
    long rows,
    long committedAtMillis,
    long durationMillis,
    Map<String, Long> metrics)
    implements Serializable {
  public GoldCommit {
    metrics = Map.copyOf(metrics);
  }
}
