package io.ddb2delta.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.local.LocalDynamoDb;
import io.ddb2delta.pipelines.verify.VerifyCommand;
import io.ddb2delta.testing.ChangeFeeds;
import io.ddb2delta.testing.JobProcess;
import io.ddb2delta.testing.StreamContents;
import io.ddb2delta.tools.LoadLog;
import io.ddb2delta.tools.SyntheticTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --source=dynamodb-streams} on the Spark runner in streaming mode (DStreams, {@code
 * local[2]}, a {@code --checkpointDir}), against DynamoDB Local: the driver is killed with {@code
 * kill -9} mid-stream while writes go on, restarts from its checkpoint, and every table ends with
 * each change exactly once, although Spark replays the batches it had not checkpointed; the current
 * tables, merged across the kill, then equal DynamoDB's ({@code verify}).
 */
class SparkStreamsRestartIT {
  private static final List<SyntheticTable> TABLES =
      List.of(SyntheticTable.ORDERS, SyntheticTable.PRODUCTS);
  private static final String APP_ID = "ddb2delta-dynamodb-streams-orders+products";

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
  void aKilledDriverRestartsFromItsCheckpointWithoutLossOrDuplicatesInAnyTable(@TempDir Path root)
      throws Exception {
    Path lake = root.resolve("lake");
    Path log = root.resolve("job.log");
    DeltaTable bronze = DeltaTable.forPath(lake.resolve("dynamodb_bronze").toString());
    ChangeFeeds.generate(dynamo, TABLES, 20, 1_000, Duration.ofHours(1));
    AtomicReference<LoadLog> live = new AtomicReference<>();
    Thread writer =
        new Thread(
            () -> live.set(ChangeFeeds.generate(dynamo, TABLES, 20_000, 40, Duration.ofMinutes(5))),
            "ddb2delta-it-load");
    writer.start();

    List<String> args = args(lake, root.resolve("checkpoint"));
    long committedAtKill;
    try (JobProcess first = SparkJobs.start(args, log)) {
      SparkJobs.awaitBatches(first, bronze, APP_ID, 3, Duration.ofMinutes(3));
      first.kill();
      committedAtKill = bronze.numRecords();
    }
    assertThat(writer.isAlive()).as("writes were still going on at the kill").isTrue();
    Thread.sleep(4_000);
    writer.interrupt();
    writer.join();
    // The streams are the ground truth: an interrupted write may have landed unlogged.
    Set<String> streamIds = new HashSet<>();
    for (SyntheticTable t : TABLES) {
      streamIds.addAll(StreamContents.dynamoEventIds(dynamo.streams(), t.tableName()));
    }
    assertThat(committedAtKill).isPositive().isLessThan(streamIds.size());

    try (JobProcess second = SparkJobs.start(args, log)) {
      SparkJobs.awaitRows(second, bronze, streamIds.size(), Duration.ofMinutes(1));
      // Two more batch intervals: a replayed batch would land now; and the current tables' next
      // MERGE (every 2 s) follows bronze.
      Thread.sleep(2 * SparkJob.DEFAULT_BATCH_INTERVAL_MILLIS + 4_000);
      // The restarted run's progress lines, for the record: what it read again and skipped.
      second.output().lines().filter(l -> l.startsWith("progress")).forEach(System.out::println);
    }
    SparkJobs.assertEachChangeOnceInEveryTable(
        lake, streamIds, List.of("orders_silver", "products_silver"));
    // The current tables, merged across the kill, equal the tables as DynamoDB holds them.
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    int verified =
        VerifyCommand.commandLine(new PrintStream(report, true, StandardCharsets.UTF_8))
            .execute(
                "--deltaRoot=" + lake,
                "--tables=orders,products",
                "--dynamodbEndpoint=" + dynamo.endpoint());
    String text = report.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    assertThat(text).contains("verify: 0 differences in 2 tables");
    assertThat(verified).isZero();
  }

  private List<String> args(Path lake, Path checkpoint) {
    List<String> a = new ArrayList<>();
    a.add("--source=dynamodb-streams");
    a.add("--tableName=orders,products");
    a.add("--dynamodbEndpoint=" + dynamo.endpoint());
    a.add("--deltaRoot=" + lake);
    a.add("--checkpointDir=" + checkpoint);
    a.add("--sparkMaster=local[2]");
    a.add("--currentIntervalSeconds=2");
    return a;
  }
}
