package io.ddb2delta.health;

import io.ddb2delta.cdc.CommitReport;
import io.ddb2delta.cdc.EventTimes;
import io.ddb2delta.current.CurrentCommit;
import io.ddb2delta.current.MergeCurrent;
import io.ddb2delta.gold.GoldCommit;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One row of {@code pipeline_health}: one Delta commit of one table, what it held and how late it
 * made its changes visible. The counts of the stream batch (messages, duplicates, quarantined) are
 * the batch's, on each of its tables' rows; gold commits have no source figures.
 */
public record HealthRecord(
    long committedAtMillis,
    String table,
    long tableVersion,
    String appId,
    long records,
    @Nullable Long batch,
    @Nullable Long messages,
    @Nullable Long duplicates,
    @Nullable Long quarantined,
    long commitDurationMillis,
    @Nullable Long sourceLagMillis,
    @Nullable Long latencyP50Millis,
    @Nullable Long latencyP99Millis)
    implements Serializable {

  public HealthRecord {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(appId, "appId");
  }

  /**
   * The rows of a stream batch's commits. Source lag is how long the batch's oldest message waited
   * from its arrival in the source; latency is from each change's event time to the commit that
   * made it visible, p50 and p99 over the batch's changes.
   */
  public static List<HealthRecord> of(CommitReport report, String appId) {
    List<HealthRecord> out = new ArrayList<>();
    for (CommitReport.TableCommit c : report.tableCommits()) {
      long at = c.committedAtMillis();
      long median = EventTimes.quantile(report.eventTimes(), 0.5);
      long oldest99 = EventTimes.quantile(report.eventTimes(), 0.01);
      out.add(
          new HealthRecord(
              at,
              c.table(),
              c.tableVersion(),
              appId,
              c.rows(),
              report.batch(),
              report.messages(),
              report.duplicates(),
              report.quarantined(),
              c.durationMillis(),
              report.minArrivalMillis() > 0 ? Math.max(0, at - report.minArrivalMillis()) : null,
              median < 0 ? null : Math.max(0, at - median),
              oldest99 < 0 ? null : Math.max(0, at - oldest99)));
    }
    return out;
  }

  /** The row of a gold upsert. */
  public static HealthRecord of(GoldCommit c, String appId) {
    return new HealthRecord(
        c.committedAtMillis(),
        c.table(),
        c.version(),
        appId,
        c.rows(),
        null,
        null,
        null,
        null,
        c.durationMillis(),
        null,
        null,
        null);
  }

  /**
   * The row of a MERGE into a {@code <table>_current}: its batch is the bronze version it read
   * through, and its source lag how long the oldest change it merged had been in bronze.
   */
  public static HealthRecord of(CurrentCommit c) {
    return new HealthRecord(
        c.committedAtMillis(),
        c.table(),
        c.version(),
        MergeCurrent.APP_ID,
        c.changes(),
        c.bronzeVersion(),
        null,
        null,
        null,
        c.durationMillis(),
        c.lagMillis(),
        null,
        null);
  }

  Object[] row() {
    return new Object[] {
      committedAtMillis * 1000,
      table,
      tableVersion,
      appId,
      records,
      batch,
      messages,
      duplicates,
      quarantined,
      commitDurationMillis,
      sourceLagMillis,
      latencyP50Millis,
      latencyP99Millis
    };
  }
}
