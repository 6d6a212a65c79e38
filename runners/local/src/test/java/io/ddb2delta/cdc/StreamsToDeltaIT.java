package io.ddb2delta.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.local.LocalDynamoDb;
import io.ddb2delta.pipelines.RunSummary;
import io.ddb2delta.testing.ChangeFeeds;
import io.ddb2delta.testing.GoldOracle;
import io.ddb2delta.testing.JobProcess;
import io.ddb2delta.testing.JobRuns;
import io.ddb2delta.testing.QueryResult;
import io.ddb2delta.testing.SparkVerifier;
import io.ddb2delta.testing.StreamContents;
import io.ddb2delta.tools.LoadGenerator;
import io.ddb2delta.tools.LoadLog;
import io.ddb2delta.tools.SyntheticTable;
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
 * {@code --source=dynamodb-streams} against DynamoDB Local: the load generator's changes land in
 * bronze exactly once, silver holds one typed row per change with REMOVEs typed from the old image,
 * and a job killed with {@code kill -9} mid-stream resumes from the positions in its Delta commits
 * with no loss and no duplicate.
 */
class StreamsToDeltaIT {
  private static final List<SyntheticTable> TABLES =
      List.of(SyntheticTable.ORDERS, SyntheticTable.PRODUCTS);

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
  void everyChangeLandsOnceInBronzeAndOnceInSilver(@TempDir Path root) throws Exception {
    LoadLog load = ChangeFeeds.generate(dynamo, TABLES, 500, 3_000, Duration.ofHours(1));
    Set<String> streamIds = streamEventIds();
    assertThat(streamIds).hasSize(500);

    RunSummary summary = JobRuns.run(args(root, "--maxReadTimeSeconds=12"));

    assertThat(summary.rowsAdded())
        .containsEntry("dynamodb_bronze", 500L)
        .containsEntry("dynamodb_quarantine", 0L);
    assertThat(
            summary.rowsAdded().get("orders_silver") + summary.rowsAdded().get("products_silver"))
        .isEqualTo(500);
    assertBronze(root, streamIds);

    List<QueryResult> r =
        SparkVerifier.query(
            "SELECT count(*) FROM " + table(root, "orders_silver") + " WHERE event_type = 'REMOVE'",
            "SELECT count(*) FROM "
                + table(root, "orders_silver")
                + " WHERE event_type = 'REMOVE' AND (order_id IS NULL OR order_status IS NULL)");
    assertThat(r.get(0).singleValue())
        .isEqualTo(load.counts().get("orders").getOrDefault(LoadGenerator.Op.REMOVE, 0L));
    assertThat(r.get(1).singleValue()).isEqualTo(0L);

    // A second run resumes after the committed positions: nothing new, nothing again.
    RunSummary again = JobRuns.run(args(root, "--maxReadTimeSeconds=6"));
    assertThat(again.rowsAdded().values()).containsOnly(0L);
  }

  @Test
  void aKilledJobRestartsFromItsCommittedPositionsWithoutLossOrDuplicates(@TempDir Path root)
      throws Exception {
    Path lake = root.resolve("lake");
    Path log = root.resolve("job.log");
    DeltaTable bronze = DeltaTable.forPath(lake.resolve("dynamodb_bronze").toString());
    String appId = "ddb2delta-dynamodb-streams-orders+products";
    // Tables with streams exist before the job starts; writes continue throughout.
    ChangeFeeds.generate(dynamo, TABLES, 20, 1_000, Duration.ofHours(1));
    AtomicReference<LoadLog> live = new AtomicReference<>();
    Thread writer =
        new Thread(
            () -> live.set(ChangeFeeds.generate(dynamo, TABLES, 20_000, 60, Duration.ofMinutes(5))),
            "ddb2delta-it-load");
    writer.start();

    long committedAtKill;
    try (JobProcess first = JobProcess.start(args(lake), log)) {
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (!(bronze.exists()
          && new ChangeWriters(appId, WriteChangesToDelta.DEFAULT_WRITERS).batchesIn(bronze)
              >= 3)) {
        assertThat(first.isAlive()).as("job alive: %s", first.output()).isTrue();
        assertThat(System.nanoTime())
            .as("first commits, see %s", first.output())
            .isLessThan(deadline);
        Thread.sleep(200);
      }
      first.kill();
      committedAtKill = bronze.numRecords();
    }
    assertThat(writer.isAlive()).as("writes were still going on at the kill").isTrue();
    Thread.sleep(3_000);
    writer.interrupt();
    writer.join();
    // The stream itself is the ground truth: an interrupted write may have landed unlogged.
    Set<String> streamIds = streamEventIds();
    long total = streamIds.size();
    assertThat(committedAtKill).isPositive().isLessThan(total);

    try (JobProcess second = JobProcess.start(args(lake), log)) {
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (bronze.numRecords() < total && System.nanoTime() < deadline) {
        assertThat(second.isAlive()).as("job alive: %s", second.output()).isTrue();
        Thread.sleep(500);
      }
      GoldOracle.awaitGoldSettled(lake, second);
    }
    assertThat(bronze.numRecords()).isEqualTo(total);
    assertBronze(lake, streamIds);
    // The restarted job resumed after the committed changes with no gold state; gold is whole
    // because it rebuilt that state from what bronze held.
    GoldOracle.assertGoldMatches(lake, dynamo.dynamoDb(), "orders");
  }

  private void assertBronze(Path root, Set<String> expectedIds) {
    List<QueryResult> r =
        SparkVerifier.query(
            "SELECT count(*), count(DISTINCT event_id) FROM " + table(root, "dynamodb_bronze"),
            "SELECT event_id FROM " + table(root, "dynamodb_bronze"));
    long n = expectedIds.size();
    assertThat(r.get(0).rows()).containsExactly(List.of(n, n));
    assertThat(new HashSet<Object>(r.get(1).column("event_id")))
        .isEqualTo(new HashSet<Object>(expectedIds));
  }

  private List<String> args(Path root, String... more) {
    List<String> a = new ArrayList<>();
    a.add("--source=dynamodb-streams");
    a.add("--tableName=orders,products");
    a.add("--dynamodbEndpoint=" + dynamo.endpoint());
    a.add("--deltaRoot=" + root);
    a.add("--commitIntervalSeconds=1");
    a.addAll(List.of(more));
    return a;
  }

  private static String table(Path root, String name) {
    return "delta.`" + root.resolve(name).toAbsolutePath() + "`";
  }

  private Set<String> streamEventIds() {
    Set<String> ids = new HashSet<>();
    for (SyntheticTable t : TABLES) {
      ids.addAll(StreamContents.dynamoEventIds(dynamo.streams(), t.tableName()));
    }
    return ids;
  }
}
