package io.ddb2delta.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.local.LocalDynamoDb;
import io.ddb2delta.testing.ChangeFeeds;
import io.ddb2delta.testing.JobProcess;
import io.ddb2delta.testing.QueryResult;
import io.ddb2delta.testing.SparkVerifier;
import io.ddb2delta.testing.StreamContents;
import io.ddb2delta.tools.ExportTable;
import io.ddb2delta.tools.SyntheticTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --source=export,dynamodb-streams} on the Spark runner in streaming mode ({@code local[2]},
 * a {@code --checkpointDir}), against DynamoDB Local: the export's bounded branch and the stream
 * run in one streaming pipeline, the one the Databricks bundle deploys, and bronze ends with every
 * export item and every change exactly once, while the job maintains its tables after every stream
 * commit (Beam state on the Spark runner).
 */
class SparkBackfillAndStreamIT {
  private static final List<SyntheticTable> ORDERS = List.of(SyntheticTable.ORDERS);

  private LocalDynamoDb dynamo;

  @BeforeEach
  void start() {
    dynamo = LocalDynamoDb.start();
  }

  @AfterEach
  void stop() throws Exception {
    dynamo.close();
  }

  @Test
  void theBackfillAndTheStreamRunInOneStreamingPipeline(@TempDir Path root) throws Exception {
    ChangeFeeds.generate(dynamo, ORDERS, 200, 3_000, Duration.ofHours(1));
    long itemsAtExport = dynamo.dynamoDb().scan(b -> b.tableName("orders")).count();
    Path exports = root.resolve("exports");
    String exportId = "spark-backfill-" + System.currentTimeMillis();
    assertThat(
            ExportTable.commandLine()
                .execute(
                    "--table=orders",
                    "--output=" + exports,
                    "--segments=2",
                    "--dynamodbEndpoint=" + dynamo.endpoint(),
                    "--export-id=" + exportId))
        .isZero();
    ChangeFeeds.generate(dynamo, ORDERS, 150, 3_000, Duration.ofHours(1));
    Set<String> changes = new HashSet<>(StreamContents.dynamoEventIds(dynamo.streams(), "orders"));

    Path lake = root.resolve("lake");
    DeltaTable bronze = DeltaTable.forPath(lake.resolve("dynamodb_bronze").toString());
    List<String> args =
        List.of(
            "--source=export,dynamodb-streams",
            "--exportPath=" + exports.resolve("AWSDynamoDB").resolve(exportId),
            "--tableName=orders",
            "--dynamodbEndpoint=" + dynamo.endpoint(),
            "--deltaRoot=" + lake,
            "--checkpointDir=" + root.resolve("checkpoint"),
            "--sparkMaster=local[2]",
            // The job's own maintenance after every stream commit (the stream here commits once or
            // twice): compaction beside the streaming committer must change no count below.
            "--maintainEveryCommits=1");
    try (JobProcess job = SparkJobs.start(args, root.resolve("job.log"))) {
      SparkJobs.awaitRows(job, bronze, itemsAtExport + changes.size(), Duration.ofMinutes(3));
      // Two more batch intervals: anything committed twice would land now.
      Thread.sleep(2 * SparkJob.DEFAULT_BATCH_INTERVAL_MILLIS + 2_000);
      assertThat(bronze.numRecords())
          .as("see %s", job.output())
          .isEqualTo(itemsAtExport + changes.size());
      long until = System.currentTimeMillis() + 60_000;
      while (!job.output().contains("maintain dynamodb_bronze: files")
          && System.currentTimeMillis() < until) {
        Thread.sleep(500);
      }
      assertThat(job.output())
          .as("bronze at version %d", bronze.version())
          .contains("maintain dynamodb_bronze: files");
      assertThat(bronze.numRecords()).isEqualTo(itemsAtExport + changes.size());
    }
    List<QueryResult> r =
        SparkVerifier.query(
            "SELECT source, count(*), count(DISTINCT event_id) FROM "
                + SparkJobs.table(lake, "dynamodb_bronze")
                + " GROUP BY source ORDER BY source",
            "SELECT count(*) FROM " + SparkJobs.table(lake, "orders_silver"));
    assertThat(r.get(0).rows())
        .containsExactly(
            List.of("dynamodb-streams", (long) changes.size(), (long) changes.size()),
            List.of("export", itemsAtExport, itemsAtExport));
    assertThat(r.get(1).singleValue()).isEqualTo(itemsAtExport + changes.size());
  }
}
