package io.ddb2delta.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.local.LocalDynamoDb;
import io.ddb2delta.local.LocalKinesis;
import io.ddb2delta.pipelines.RunSummary;
import io.ddb2delta.testing.ChangeFeeds;
import io.ddb2delta.testing.DashboardChecks;
import io.ddb2delta.testing.GoldOracle;
import io.ddb2delta.testing.JobProcess;
import io.ddb2delta.testing.JobRuns;
import io.ddb2delta.testing.QueryResult;
import io.ddb2delta.testing.ShippedSql;
import io.ddb2delta.testing.SparkVerifier;
import io.ddb2delta.testing.StreamContents;
import io.ddb2delta.tools.LoadGenerator;
import io.ddb2delta.tools.LoadLog;
import io.ddb2delta.tools.SyntheticTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --source=kinesis} against kinesalite, fed the way AWS feeds it: the load generator writes
 * to DynamoDB Local, and the Kinesis bridge copies each table's stream into Kinesis in the Kinesis
 * Data Streams for DynamoDB format. Every change lands in bronze exactly once, with duplicates
 * sent, and across a {@code kill -9} and restart.
 */
class KinesisToDeltaIT {
  private static final List<SyntheticTable> TABLES =
      List.of(SyntheticTable.ORDERS, SyntheticTable.USERS);
  private static final int CHANGES = 600;

  private static LocalDynamoDb dynamo;
  private static LocalKinesis kinesis;
  private static LoadLog load;

  /** Every change the tables' DynamoDB Streams hold, by event id: the ground truth. */
  private static final Set<String> STREAM_EVENT_IDS = new HashSet<>();

  @BeforeAll
  static void start() throws Exception {
    dynamo = LocalDynamoDb.start();
    kinesis = LocalKinesis.start();
    load = ChangeFeeds.generate(dynamo, TABLES, CHANGES, 3_000, null);
    for (SyntheticTable t : TABLES) {
      STREAM_EVENT_IDS.addAll(StreamContents.dynamoEventIds(dynamo.streams(), t.tableName()));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (kinesis != null) {
      kinesis.close();
    }
    if (dynamo != null) {
      dynamo.close();
    }
  }

  @Test
  void everyChangeLandsInBronzeExactlyOnceAndInItsSilverTable(@TempDir Path root) throws Exception {
    String stream = "cdc-once";
    long put = bridge(stream, 0.0);
    assertThat(STREAM_EVENT_IDS).hasSize(CHANGES);
    assertThat(put).isEqualTo(CHANGES);

    // Bad records among the good: not JSON, a table with no mapping, no keys.
    List<byte[]> bad =
        List.of(
            "{\"eventID\": oops".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            KinesisFixtures.payload("bad/unknown-table.json"),
            KinesisFixtures.payload("bad/missing-keys.json"));
    bad.forEach(p -> ChangeFeeds.put(kinesis.kinesis(), stream, p));

    RunSummary summary = JobRuns.run(args(stream, root, "--maxRecords=" + (CHANGES + 3)));

    assertThat(summary.rowsAdded())
        .containsEntry("dynamodb_bronze", (long) CHANGES)
        .containsEntry("dynamodb_quarantine", 3L);
    List<QueryResult> q =
        SparkVerifier.query(
            "SELECT stage, error_class, error_message, raw FROM "
                + table(root, "dynamodb_quarantine")
                + " ORDER BY error_class");
    assertThat(q.get(0).column("error_class"))
        .containsExactly("MALFORMED_JSON", "MISSING_KEY", "UNKNOWN_TABLE");
    assertThat(q.get(0).column("stage")).containsOnly("decode");
    for (Object message : q.get(0).column("error_message")) {
      assertThat((String) message).matches("kinesis " + stream + " shard \\S+ sequence \\d+: .+");
    }
    assertThat(q.get(0).column("raw"))
        .containsExactlyInAnyOrderElementsOf(
            bad.stream()
                .map(p -> (Object) new String(p, java.nio.charset.StandardCharsets.UTF_8))
                .toList());
    assertThat(summary.rowsAdded().get("orders_silver") + summary.rowsAdded().get("users_silver"))
        .isEqualTo(CHANGES);
    assertBronzeHoldsEachStreamEventOnce(root);

    List<QueryResult> r =
        SparkVerifier.query(
            "SELECT event_type, count(*) FROM "
                + table(root, "orders_silver")
                + " GROUP BY event_type ORDER BY event_type");
    Map<LoadGenerator.Op, Long> orders = load.counts().get("orders");
    List<List<Object>> expected = new ArrayList<>();
    for (LoadGenerator.Op op : LoadGenerator.Op.values()) {
      if (orders.getOrDefault(op, 0L) > 0) {
        expected.add(List.of(op.name(), orders.get(op)));
      }
    }
    assertThat(r.get(0).rows()).isEqualTo(expected);

    RunSummary again = JobRuns.run(args(stream, root, "--maxReadTimeSeconds=8"));
    assertThat(again.rowsAdded().values()).containsOnly(0L);

    DashboardChecks.assertDashboardsMatch(
        root,
        dynamo.dynamoDb(),
        dynamo.streams(),
        CHANGES,
        Map.of("MALFORMED_JSON", 1L, "UNKNOWN_TABLE", 1L, "MISSING_KEY", 1L));
  }

  @Test
  void aMissingStreamFailsSayingWhatToDo(@TempDir Path root) {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> JobRuns.run(args("no-such-stream", root, "--maxRecords=1")))
        .hasMessageContaining("Kinesis stream no-such-stream does not exist")
        .hasMessageContaining("aws-setup");
  }

  @Test
  void beamsEndpointFlagReachesThePreFlightCheck(@TempDir Path root) {
    List<String> a = new ArrayList<>(args("no-such-stream", root, "--maxRecords=1"));
    a.replaceAll(
        arg -> arg.startsWith("--kinesisEndpoint=") ? "--endpoint=" + kinesis.endpoint() : arg);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobRuns.run(a))
        .hasMessageContaining(
            "Kinesis stream no-such-stream does not exist at " + kinesis.endpoint());
  }

  @Test
  void duplicatesSentByTheProducerAreWrittenOnce(@TempDir Path root) throws Exception {
    String stream = "cdc-duplicates";
    long put = bridge(stream, 0.05);
    assertThat(put).isGreaterThan(CHANGES);

    RunSummary summary = JobRuns.run(args(stream, root, "--maxRecords=" + put));

    assertThat(summary.counters().get("duplicates")).isEqualTo(put - CHANGES);
    assertThat(summary.rowsAdded()).containsEntry("dynamodb_bronze", (long) CHANGES);
    assertBronzeHoldsEachStreamEventOnce(root);
    // Gold saw the duplicates too, and the generator's updates and removes.
    assertThat(load.counts().get("orders"))
        .containsKeys(LoadGenerator.Op.MODIFY, LoadGenerator.Op.REMOVE);
    GoldOracle.assertGoldMatches(root, dynamo.dynamoDb(), "orders");

    // pipeline_health: a row per commit and table, whose records add up to what each table holds.
    List<QueryResult> health =
        SparkVerifier.query(
            "SELECT table_name, sum(records), count(*), max(latency_p99_ms) IS NOT NULL,"
                + " min(source_lag_ms) >= 0 FROM "
                + table(root, "pipeline_health")
                + " WHERE table_name IN ('dynamodb_bronze', 'orders_silver')"
                + " GROUP BY table_name ORDER BY table_name",
            "SELECT count(*) FROM " + table(root, "orders_silver"));
    assertThat(health.get(0).rows()).hasSize(2);
    assertThat(health.get(0).rows().get(0).subList(0, 2))
        .containsExactly("dynamodb_bronze", (long) CHANGES);
    assertThat(health.get(0).rows().get(1).subList(0, 2))
        .containsExactly("orders_silver", health.get(1).singleValue());
    assertThat(health.get(0).rows())
        .allSatisfy(r -> assertThat(r.subList(3, 5)).containsOnly(true));

    // The shipped DDL declares every table's columns as the pipeline wrote them (Delta refuses a
    // CREATE TABLE whose schema differs from the table at the location), and the maintenance runs
    // on them without changing what they hold.
    Map<String, String> vars =
        Map.of("catalog_schema", "ddb2delta_it", "delta_root", root.toAbsolutePath().toString());
    List<String> statements = new ArrayList<>(ShippedSql.registrations(vars));
    assertThat(statements).anyMatch(st -> st.contains("ddb2delta_it.pipeline_health ("));
    // Every OPTIMIZE of a table this run wrote (it streams orders and users, so no products_current
    // or transactions_current), and the first VACUUM: the others are the same statement on other
    // tables, and each VACUUM costs about 35 s of local Spark.
    boolean vacuumed = false;
    for (String st : ShippedSql.statements("maintenance/optimize.sql", vars)) {
      Matcher named = Pattern.compile("ddb2delta_it\\.(\\w+)").matcher(st);
      if (named.find() && !Files.exists(root.resolve(named.group(1)))) {
        continue;
      }
      if (!st.startsWith("VACUUM") || !vacuumed) {
        statements.add(st);
        vacuumed |= st.startsWith("VACUUM");
      }
    }
    assertThat(vacuumed).isTrue();
    statements.add("SELECT count(*) FROM ddb2delta_it.dynamodb_bronze");
    statements.add("DESCRIBE HISTORY ddb2delta_it.orders_silver");
    List<QueryResult> maintained = SparkVerifier.query(statements);
    assertThat(maintained.get(maintained.size() - 2).singleValue()).isEqualTo((long) CHANGES);
    List<Object> zOrders = new ArrayList<>();
    for (Map<String, Object> version : maintained.get(maintained.size() - 1).rowsAsMaps()) {
      if ("OPTIMIZE".equals(version.get("operation"))) {
        zOrders.add(((Map<?, ?>) version.get("operationParameters")).get("zOrderBy"));
      }
    }
    assertThat(zOrders).containsExactly("[\"customer_id\",\"event_timestamp\"]");
  }

  @Test
  void aKilledJobRestartsWithoutLossOrDuplicates(@TempDir Path root) throws Exception {
    String stream = "cdc-restart";
    String source = "cdc-source";
    bridge(source, 0.0);
    // Copied with their partition keys, the items' keys as AWS sets them: an item's changes stay
    // in one shard, in order (their event times tie within DynamoDB Local's stream).
    List<software.amazon.awssdk.services.kinesis.model.Record> payloads =
        StreamContents.kinesisRecords(kinesis.kinesis(), source).stream()
            .map(r -> r.record())
            .toList();
    ChangeFeeds.createStream(kinesis.kinesis(), stream, 3);

    Path log = root.resolve("job.log");
    List<String> jobArgs = args(stream, root.resolve("lake"));
    DeltaTable bronze = DeltaTable.forPath(root.resolve("lake/dynamodb_bronze").toString());
    String appId = "ddb2delta-kinesis-" + stream;
    int killedAt;
    try (JobProcess first = JobProcess.start(jobArgs, log)) {
      int i = 0;
      // Feed slowly until the job has committed a few batches, then kill it mid-stream.
      while (i < payloads.size()
          && !(bronze.exists()
              && new ChangeWriters(appId, WriteChangesToDelta.DEFAULT_WRITERS).batchesIn(bronze)
                  >= 3)) {
        copy(stream, payloads.get(i++));
        Thread.sleep(40);
        assertThat(first.isAlive()).as("job alive: %s", first.output()).isTrue();
      }
      first.kill();
      killedAt = i;
    }
    long committedBeforeKill = bronze.numRecords();
    assertThat(killedAt).isLessThan(payloads.size());
    assertThat(committedBeforeKill)
        .as("rows committed before the kill, of %d put", killedAt)
        .isPositive()
        .isLessThanOrEqualTo(killedAt);
    for (int i = killedAt; i < payloads.size(); i++) {
      copy(stream, payloads.get(i));
    }

    try (JobProcess second = JobProcess.start(jobArgs, log)) {
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (bronze.numRecords() < CHANGES && System.nanoTime() < deadline) {
        assertThat(second.isAlive()).as("job alive: %s", second.output()).isTrue();
        Thread.sleep(500);
      }
      // A few more commit intervals: nothing more may arrive, and gold settles.
      GoldOracle.awaitGoldSettled(root.resolve("lake"), second);
    }
    assertThat(bronze.numRecords()).as("see %s", log).isEqualTo(CHANGES);
    assertBronzeHoldsEachStreamEventOnce(root.resolve("lake"));
    // The restarted job began with no gold state and rebuilt it from what bronze held.
    GoldOracle.assertGoldMatches(root.resolve("lake"), dynamo.dynamoDb(), "orders");
  }

  private static void copy(String stream, software.amazon.awssdk.services.kinesis.model.Record r) {
    kinesis
        .kinesis()
        .putRecord(b -> b.streamName(stream).partitionKey(r.partitionKey()).data(r.data()));
  }

  private static void assertBronzeHoldsEachStreamEventOnce(Path root) {
    List<QueryResult> r =
        SparkVerifier.query(
            "SELECT count(*), count(DISTINCT event_id) FROM " + table(root, "dynamodb_bronze"),
            "SELECT event_id FROM " + table(root, "dynamodb_bronze"));
    assertThat(r.get(0).rows()).containsExactly(List.of((long) CHANGES, (long) CHANGES));
    Set<Object> ids = new HashSet<>(r.get(1).column("event_id"));
    assertThat(ids).isEqualTo(new HashSet<Object>(STREAM_EVENT_IDS));
  }

  private static List<String> args(String stream, Path root, String... more) {
    List<String> a = new ArrayList<>();
    a.add("--source=kinesis");
    a.add("--kinesisStream=" + stream);
    a.add("--kinesisEndpoint=" + kinesis.endpoint());
    a.add("--tableName=orders,users");
    a.add("--deltaRoot=" + root);
    a.add("--commitIntervalSeconds=1");
    a.addAll(List.of(more));
    return a;
  }

  private static String table(Path root, String name) {
    return "delta.`" + root.resolve(name).toAbsolutePath() + "`";
  }

  /** Bridges every table's stream into a new Kinesis stream; returns the records put. */
  private static long bridge(String stream, double duplicateRate) throws Exception {
    ChangeFeeds.createStream(kinesis.kinesis(), stream, 3);
    return ChangeFeeds.bridge(dynamo, kinesis, TABLES, load, stream, duplicateRate);
  }
}
