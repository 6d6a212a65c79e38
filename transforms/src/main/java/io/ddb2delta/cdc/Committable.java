package io.ddb2delta.cdc;

import io.ddb2delta.delta.DataFile;
import io.ddb2delta.delta.DeltaColumn;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What a writer hands the committer for one batch: the Parquet files it wrote per table and what
 * the batch covers. Small, whatever the batch's size: file descriptions and counts, no rows.
 *
 * @param writer the writer, see {@link ChangeWriters}
 * @param batch the writer's batch number: the Delta transaction version of the writer's txn id
 * @param files the files written, per table; a table without rows has no entry
 * @param positions the writer's shard positions once the batch is committed
 * @param arrivals per shard, the newest arrival time (epoch ms, decimal) once it is committed
 * @param rowsByTable rows written per table
 * @param arrivalSum the sum of the messages' arrival times, for the commit-lag mean
 * @param readSum the sum of the times the messages were read, for the read-to-commit mean
 * @param eventTimes the event times of the changes written, for the event-to-commit quantiles
 * @param newColumns per evolving silver table, the columns its rows' new top-level attributes
 *     propose, in the order the batch met them, one per name; the committer adds those the table
 *     lacks in the commit of these files
 */
public record Committable(
    int writer,
    long batch,
    Map<String, List<DataFile>> files,
    ShardPositions positions,
    ShardPositions arrivals,
    long messages,
    long duplicates,
    long replays,
    long quarantined,
    long beforeExport,
    Map<String, Long> rowsByTable,
    long arrivalSum,
    long minArrivalMillis,
    long maxArrivalMillis,
    long readSum,
    long minReadMillis,
    long maxReadMillis,
    EventTimes eventTimes,
    Map<String, List<DeltaColumn>> newColumns)
    implements Serializable {

  public Committable {
    files = Map.copyOf(files);
    rowsByTable = Map.copyOf(rowsByTable);
    newColumns = Map.copyOf(newColumns);
  }
}
