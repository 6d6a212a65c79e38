package io.ddb2delta.cdc;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What one streaming batch did.
 *
 * @param batch the batch number, which is the Delta transaction version of every table it committed
 * @param messages change messages received
 * @param duplicates messages skipped because their event id was already handled (Kinesis
 *     duplicates, or a replay within the dedup horizon)
 * @param replays messages skipped because they sit at or before the committed shard positions and
 *     are older than the dedup horizon
 * @param quarantined rows written to quarantine
 * @param beforeExport changes written whose event time is at or before the export time of their
 *     table in the same run: the overlap of a backfill and its stream, kept rather than hidden
 * @param rowsByTable rows committed per Delta table
 * @param minArrivalMillis the oldest message's arrival time, or 0 when there were none
 * @param committedAtMillis when the last table commit of the batch finished
 * @param positions the shard positions committed to bronze
 * @param tableCommits each Delta commit the batch made, in order
 * @param eventTimes the event times of the changes committed, one summary per writer batch
 */
public record CommitReport(
    long batch,
    long messages,
    long duplicates,
    long replays,
    long quarantined,
    long beforeExport,
    Map<String, Long> rowsByTable,
    long minArrivalMillis,
    long committedAtMillis,
    ShardPositions positions,
    List<TableCommit> tableCommits,
    List<EventTimes> eventTimes)
    implements Serializable {

  public CommitReport {
    rowsByTable = Map.copyOf(rowsByTable);
    tableCommits = List.copyOf(tableCommits);
    eventTimes = List.copyOf(eventTimes);
  }

  /** One Delta commit: its table, the version it made, the rows it added and how long it took. */
  public record TableCommit(
      String table, long tableVersion, long rows, long committedAtMillis, long durationMillis)
      implements Serializable {}
}
