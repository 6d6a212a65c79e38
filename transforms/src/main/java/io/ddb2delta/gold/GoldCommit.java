package io.ddb2delta.gold;

import java.io.Serializable;
import java.util.Map;

/**
 * What one upsert into one gold table did: the table version it made (or -1 when it changed
 * nothing), the rows it received, and Delta's MERGE metrics.
 */
public record GoldCommit(
    String table, long version, long rows, long committedAtMillis, Map<String, Long> metrics)
    implements Serializable {
  public GoldCommit {
    metrics = Map.copyOf(metrics);
  }
}
