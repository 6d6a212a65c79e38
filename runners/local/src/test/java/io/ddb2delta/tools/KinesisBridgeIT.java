package io.ddb2delta.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.cdc.KinesisRecordDecoder;
import io.ddb2delta.cdc.TimePrecision;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.local.LocalDynamoDb;
import io.ddb2delta.local.LocalKinesis;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.pipelines.aws.LocalAws;
import io.ddb2delta.testing.DynamoTables;
import io.ddb2delta.testing.StreamContents;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The bridge against DynamoDB Local and kinesalite: 100 changes to {@code orders} arrive in Kinesis
 * in AWS's format, once each without duplicates, at least once each with them, and in order per
 * item.
 */
class KinesisBridgeIT {
  private static final Map<String, List<String>> KEYS = Map.of("orders", List.of("order_id"));
  private static LocalDynamoDb dynamo;
  private static LocalKinesis kinesisService;

  /** What the writes below do to each item, in order. */
  private static final Map<String, List<Op>> EXPECTED = new LinkedHashMap<>();

  @BeforeAll
  static void start() {
    dynamo = LocalDynamoDb.start();
    kinesisService = LocalKinesis.start();
    writeChanges(dynamo.dynamoDb());
  }

  @AfterAll
  static void stop() throws Exception {
    if (kinesisService != null) {
      kinesisService.close();
    }
    if (dynamo != null) {
      dynamo.close();
    }
  }

  private static String orderId(int i) {
    return String.format("ord-%03d", i);
  }

  /** 50 inserts; 30 modifies (items 0-29); 20 removes (items 0-19). */
  private static void writeChanges(DynamoDbClient ddb) {
    DynamoTables.create(ddb, "orders", "order_id", true);
    for (int i = 0; i < 50; i++) {
      String id = orderId(i);
      ddb.putItem(
          b ->
              b.tableName("orders")
                  .item(
                      Map.of(
                          "order_id", AttributeValue.fromS(id),
                          "status", AttributeValue.fromS("pending"),
                          "amount", AttributeValue.fromN("10.50"))));
      EXPECTED.computeIfAbsent(id, k -> new ArrayList<>()).add(Op.INSERT);
    }
    for (int i = 0; i < 30; i++) {
      String id = orderId(i);
      ddb.updateItem(
          b ->
              b.tableName("orders")
                  .key(Map.of("order_id", AttributeValue.fromS(id)))
                  .updateExpression("SET #s = :s")
                  .expressionAttributeNames(Map.of("#s", "status"))
                  .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("shipped"))));
      EXPECTED.get(id).add(Op.MODIFY);
    }
    for (int i = 0; i < 20; i++) {
      String id = orderId(i);
      ddb.deleteItem(b -> b.tableName("orders").key(Map.of("order_id", AttributeValue.fromS(id))));
      EXPECTED.get(id).add(Op.REMOVE);
    }
  }

  /** The event ids in the table's stream, read directly, not through the bridge. */
  private static Set<String> streamEventIds() {
    return StreamContents.dynamoEventIds(dynamo.streams(), "orders");
  }

  private static void createStream(String name) throws InterruptedException {
    KinesisClient kinesis = kinesisService.kinesis();
    kinesis.createStream(b -> b.streamName(name).shardCount(2));
    while (kinesis.describeStream(b -> b.streamName(name)).streamDescription().streamStatus()
        != StreamStatus.ACTIVE) {
      Thread.sleep(50);
    }
  }

  private static KinesisBridge.Stats bridge(String stream, double duplicateRate)
      throws InterruptedException {
    KinesisBridge bridge =
        new KinesisBridge(
            new KinesisBridge.Config(
                "orders",
                dynamo.streams(),
                kinesisService.kinesis(),
                stream,
                "us-east-1",
                TimePrecision.MICROSECOND,
                duplicateRate,
                11,
                Duration.ofMillis(50),
                KinesisBridge.Start.TRIM_HORIZON,
                Duration.ofSeconds(60),
                100));
    return bridge.run();
  }

  /** A record read back from Kinesis, with the shard that carried it. */
  private record Carried(String shardId, DecodedChange change) {}

  /** Every record in the stream, shard by shard, each shard in sequence order. */
  private static List<Carried> readAll(String stream) {
    KinesisRecordDecoder decoder = KinesisRecordDecoder.forTables(KEYS);
    List<Carried> out = new ArrayList<>();
    for (StreamContents.ShardRecord r :
        StreamContents.kinesisRecords(kinesisService.kinesis(), stream)) {
      out.add(
          new Carried(
              r.shardId(),
              decoder.decode(
                  r.record().data().asByteArray(),
                  stream,
                  r.shardId(),
                  r.record().sequenceNumber())));
    }
    return out;
  }

  private static String id(DecodedChange c) {
    return ((DynamoValue.S) c.record().keys().get("order_id")).value();
  }

  @Test
  void everyChangeArrivesOnceAndInOrderPerItem() throws Exception {
    createStream("orders-once");
    KinesisBridge.Stats stats = bridge("orders-once", 0.0);
    assertThat(stats).isEqualTo(new KinesisBridge.Stats(100, 100, 0, 0));

    List<Carried> records = readAll("orders-once");
    assertThat(records).hasSize(100);
    assertThat(records)
        .extracting(c -> c.change().record().eventId())
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(streamEventIds());

    Map<String, List<Op>> ops = new LinkedHashMap<>();
    Map<String, Set<String>> shards = new HashMap<>();
    for (Carried c : records) {
      ops.computeIfAbsent(id(c.change()), k -> new ArrayList<>()).add(c.change().record().op());
      shards.computeIfAbsent(id(c.change()), k -> new HashSet<>()).add(c.shardId());
    }
    assertThat(ops).isEqualTo(EXPECTED);
    assertThat(shards.values()).allSatisfy(s -> assertThat(s).hasSize(1));
    // 50 partition keys over 2 shards: both carry records.
    assertThat(records)
        .extracting(Carried::shardId)
        .containsAll(Set.of("shardId-000000000000", "shardId-000000000001"));
  }

  @Test
  void duplicatesRepeatEventsButAddNone() throws Exception {
    createStream("orders-dups");
    KinesisBridge.Stats stats = bridge("orders-dups", 0.2);
    assertThat(stats.read()).isEqualTo(100);
    assertThat(stats.duplicated()).isPositive();
    assertThat(stats.put()).isEqualTo(100 + stats.duplicated());

    List<Carried> records = readAll("orders-dups");
    assertThat(records).hasSizeGreaterThan(100).hasSize((int) stats.put());
    Set<String> distinct = new HashSet<>();
    records.forEach(c -> distinct.add(c.change().record().eventId()));
    assertThat(distinct).isEqualTo(streamEventIds());

    // A duplicate follows its original in the same shard, so per item the ops, with repeats
    // removed, are still the writes in order.
    Map<String, List<Op>> ops = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (Carried c : records) {
      if (seen.add(c.change().record().eventId())) {
        ops.computeIfAbsent(id(c.change()), k -> new ArrayList<>()).add(c.change().record().op());
      }
    }
    assertThat(ops).isEqualTo(EXPECTED);
  }

  @Test
  void theCommandCreatesTheStreamAndPrintsASummary() {
    StringWriter out = new StringWriter();
    int exit =
        KinesisBridgeCommand.commandLine()
            .setOut(new PrintWriter(out))
            .execute(
                "--table=orders",
                "--kinesisStream=orders-cli",
                "--shards=2",
                "--dynamodbEndpoint=" + dynamo.endpoint(),
                "--kinesisEndpoint=" + kinesisService.endpoint(),
                "--precision=millisecond",
                "--maxRecords=100",
                "--duration=PT60S");
    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains("created Kinesis stream orders-cli with 2 shards")
        .contains("summary: read 100, put 100 (0 duplicates), skipped 0")
        .doesNotContain(LocalAws.SECRET_ACCESS_KEY);
    assertThat(readAll("orders-cli")).hasSize(100);
  }
}
