package io.ddb2delta.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.local.LocalDynamoDb;
import io.ddb2delta.local.LocalKinesis;
import io.ddb2delta.testing.ChangeFeeds;
import io.ddb2delta.testing.GoldOracle;
import io.ddb2delta.testing.JobProcess;
import io.ddb2delta.testing.StreamContents;
import io.ddb2delta.tools.LoadLog;
import io.ddb2delta.tools.SyntheticTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --source=kinesis} on the Spark runner in streaming mode ({@code local[2]}, a {@code
 * --checkpointDir}), against kinesalite fed in the Kinesis Data Streams for DynamoDB format: the
 * driver is killed with {@code kill -9} while records are still being put, restarts from its
 * checkpoint, and every table ends with each change exactly once.
 */
class SparkKinesisRestartIT {
  private static final List<SyntheticTable> TABLES =
      List.of(SyntheticTable.ORDERS, SyntheticTable.USERS);
  private static final int CHANGES = 600;

  private LocalDynamoDb dynamo;
  private LocalKinesis kinesis;

  @BeforeEach
  void start() {
    dynamo = LocalDynamoDb.start();
    kinesis = LocalKinesis.start();
  }

  @AfterEach
  void stop() throws Exception {
    kinesis.close();
    dynamo.close();
  }

  @Test
  void aKilledDriverRestartsFromItsCheckpointWithoutLossOrDuplicatesInAnyTable(@TempDir Path root)
      throws Exception {
    LoadLog load = ChangeFeeds.generate(dynamo, TABLES, CHANGES, 3_000, null);
    Set<String> eventIds = new HashSet<>();
    for (SyntheticTable t : TABLES) {
      eventIds.addAll(StreamContents.dynamoEventIds(dynamo.streams(), t.tableName()));
    }
    // The records as AWS would put them, bridged once; then fed to the job's stream at our pace.
    ChangeFeeds.createStream(kinesis.kinesis(), "bridged", 2);
    ChangeFeeds.bridge(dynamo, kinesis, TABLES, load, "bridged", 0.0);
    // Put again with their partition keys, the items' keys as AWS sets them: an item's changes stay
    // in one shard, in order.
    List<software.amazon.awssdk.services.kinesis.model.Record> payloads =
        StreamContents.kinesisRecords(kinesis.kinesis(), "bridged").stream()
            .map(r -> r.record())
            .toList();
    assertThat(payloads).hasSize(eventIds.size());
    String stream = "spark-restart";
    ChangeFeeds.createStream(kinesis.kinesis(), stream, 2);

    Path lake = root.resolve("lake");
    Path log = root.resolve("job.log");
    DeltaTable bronze = DeltaTable.forPath(lake.resolve("dynamodb_bronze").toString());
    List<String> args = new ArrayList<>();
    args.add("--source=kinesis");
    args.add("--kinesisStream=" + stream);
    args.add("--kinesisEndpoint=" + kinesis.endpoint());
    args.add("--tableName=orders,users");
    args.add("--deltaRoot=" + lake);
    args.add("--checkpointDir=" + root.resolve("checkpoint"));
    args.add("--sparkMaster=local[2]");
    String appId = "ddb2delta-kinesis-" + stream;
    int fed = 0;
    try (JobProcess first = SparkJobs.start(args, log)) {
      // A first few records to see the job through Spark's start-up; then feed slowly until it
      // has committed a few batches, and kill it mid-stream.
      while (fed < 50) {
        copy(stream, payloads.get(fed++));
      }
      SparkJobs.awaitBatches(first, bronze, appId, 1, Duration.ofMinutes(3));
      while (fed < payloads.size() && SparkJobs.batchesIn(bronze, appId) < 3) {
        copy(stream, payloads.get(fed++));
        Thread.sleep(40);
        assertThat(first.isAlive()).as("job alive: %s", first.output()).isTrue();
      }
      first.kill();
    }
    assertThat(fed).as("the kill came before the last record").isLessThan(payloads.size());
    assertThat(bronze.numRecords()).isPositive();
    while (fed < payloads.size()) {
      copy(stream, payloads.get(fed++));
    }

    try (JobProcess second = SparkJobs.start(args, log)) {
      SparkJobs.awaitRows(second, bronze, eventIds.size(), Duration.ofMinutes(3));
      // Two more batch intervals: a replayed batch would land now; and gold settles.
      Thread.sleep(2 * SparkJob.DEFAULT_BATCH_INTERVAL_MILLIS + 2_000);
      GoldOracle.awaitGoldSettled(lake, second);
    }
    SparkJobs.assertEachChangeOnceInEveryTable(
        lake, eventIds, List.of("orders_silver", "users_silver"));
    GoldOracle.assertGoldMatches(lake, dynamo.dynamoDb(), "orders");
  }

  private void copy(String stream, software.amazon.awssdk.services.kinesis.model.Record r) {
    kinesis
        .kinesis()
        .putRecord(b -> b.streamName(stream).partitionKey(r.partitionKey()).data(r.data()));
  }
}
