package io.ddb2delta.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.cdc.ChangeWriters;
import io.ddb2delta.cdc.WriteChangesToDelta;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.testing.JobProcess;
import io.ddb2delta.testing.QueryResult;
import io.ddb2delta.testing.SparkVerifier;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The job on the Spark runner in a child JVM ({@link SparkJob}, with the flags Spark needs on Java
 * 17), ways to wait for its commits, and the exactly-once check every streaming test ends with.
 */
final class SparkJobs {
  private SparkJobs() {}

  static JobProcess start(List<String> args, Path log) throws IOException {
    return JobProcess.start(SparkJob.class.getName(), List.of(), args, log);
  }

  /** Waits until bronze holds {@code batches} batches of {@code appId}, over all its writers. */
  static void awaitBatches(
      JobProcess job, DeltaTable bronze, String appId, long batches, Duration max)
      throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!(bronze.exists() && batchesIn(bronze, appId) >= batches)) {
      assertThat(job.isAlive()).as("job alive: %s", job.output()).isTrue();
      assertThat(System.nanoTime())
          .as("%d batches committed in time; see %s", batches, job.output())
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  /** The batches of {@code appId} in the table, over the default number of writers. */
  static long batchesIn(DeltaTable table, String appId) {
    return new ChangeWriters(appId, WriteChangesToDelta.DEFAULT_WRITERS).batchesIn(table);
  }

  /**
   * Waits until bronze holds {@code rows} rows, or {@code max} has passed; the caller's checks then
   * say what is missing.
   */
  static void awaitRows(JobProcess job, DeltaTable bronze, long rows, Duration max)
      throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!(bronze.exists() && bronze.numRecords() >= rows) && System.nanoTime() < deadline) {
      assertThat(job.isAlive()).as("job alive: %s", job.output()).isTrue();
      Thread.sleep(500);
    }
  }

  /**
   * Spark SQL over the tables: bronze holds exactly {@code eventIds}, once each; each silver table
   * holds one row per bronze row of its DynamoDB table (so no silver duplicates either); quarantine
   * holds nothing.
   */
  static void assertEachChangeOnceInEveryTable(
      Path lake, Set<String> eventIds, List<String> silverTables) {
    List<String> sql = new ArrayList<>();
    sql.add("SELECT count(*), count(DISTINCT event_id) FROM " + table(lake, "dynamodb_bronze"));
    sql.add("SELECT event_id FROM " + table(lake, "dynamodb_bronze"));
    sql.add("SELECT count(*) FROM " + table(lake, "dynamodb_quarantine"));
    for (String silver : silverTables) {
      String dynamoTable = silver.substring(0, silver.length() - "_silver".length());
      sql.add(
          "SELECT (SELECT count(*) FROM "
              + table(lake, silver)
              + "), (SELECT count(*) FROM "
              + table(lake, "dynamodb_bronze")
              + " WHERE table_name = '"
              + dynamoTable
              + "')");
    }
    List<QueryResult> r = SparkVerifier.query(sql);
    long n = eventIds.size();
    Set<Object> committed = new HashSet<>(r.get(1).column("event_id"));
    Set<Object> missing = new HashSet<>(eventIds);
    missing.removeAll(committed);
    Set<Object> unexpected = new HashSet<>(committed);
    unexpected.removeAll(eventIds);
    assertThat(missing).as("changes missing from bronze, of %d", n).isEmpty();
    assertThat(unexpected).as("bronze rows that are no change").isEmpty();
    assertThat(r.get(0).rows())
        .as("bronze rows, distinct event ids")
        .containsExactly(List.of(n, n));
    assertThat(r.get(2).singleValue()).as("quarantined").isEqualTo(0L);
    for (int i = 0; i < silverTables.size(); i++) {
      List<Object> counts = r.get(3 + i).rows().get(0);
      assertThat(counts.get(0))
          .as("%s rows = its bronze rows", silverTables.get(i))
          .isEqualTo(counts.get(1));
    }
  }

  static String table(Path root, String name) {
    return "delta.`" + root.resolve(name).toAbsolutePath() + "`";
  }
}
