package io.ddb2delta.cdc.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.cdc.ChangeMessage;
import io.ddb2delta.cdc.KinesisRecordDecoder;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.local.LocalDynamoDb;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.pipelines.aws.LocalAws;
import io.ddb2delta.testing.DynamoTables;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.aws2.common.ClientConfiguration;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * {@link DynamoDbStreamsIO} on the DirectRunner against DynamoDB Local: 500 inserts, updates and
 * deletes to {@code orders} are read exactly once each, in order per item; a read resumed with
 * {@link DynamoDbStreamsIO.Read#withStartPositions} from the middle reads exactly the rest.
 */
class DynamoDbStreamsIOIT {
  private static final String TABLE = "orders";
  private static final int INSERTS = 250;
  private static final int UPDATES = 150;
  private static final int DELETES = 100;
  private static final int N = INSERTS + UPDATES + DELETES;

  private static LocalDynamoDb dynamo;

  /** What the writes do to each item, in order. */
  private static final Map<String, List<Op>> EXPECTED = new LinkedHashMap<>();

  /** The stream as read directly with the SDK, in write order. */
  private static List<Position> stream;

  /** A stream record's place: shard, sequence number and event id. */
  record Position(String shard, String sequence, String eventId) implements Serializable {}

  @BeforeAll
  static void start() {
    dynamo = LocalDynamoDb.start();
    writeChanges(dynamo.dynamoDb());
    stream = readStreamDirectly(dynamo.streams());
  }

  @AfterAll
  static void stop() throws Exception {
    if (dynamo != null) {
      dynamo.close();
    }
  }

  private static String orderId(int i) {
    return String.format("ord-%03d", i);
  }

  private static void writeChanges(DynamoDbClient ddb) {
    DynamoTables.create(ddb, TABLE, "order_id", true);
    for (int i = 0; i < INSERTS; i++) {
      String id = orderId(i);
      ddb.putItem(
          b ->
              b.tableName(TABLE)
                  .item(
                      Map.of(
                          "order_id", AttributeValue.fromS(id),
                          "status", AttributeValue.fromS("pending"),
                          "amount", AttributeValue.fromN("10.50"))));
      EXPECTED.computeIfAbsent(id, k -> new ArrayList<>()).add(Op.INSERT);
    }
    for (int i = 0; i < UPDATES; i++) {
      String id = orderId(i);
      ddb.updateItem(
          b ->
              b.tableName(TABLE)
                  .key(Map.of("order_id", AttributeValue.fromS(id)))
                  .updateExpression("SET #s = :s")
                  .expressionAttributeNames(Map.of("#s", "status"))
                  .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("shipped"))));
      EXPECTED.get(id).add(Op.MODIFY);
    }
    for (int i = 0; i < DELETES; i++) {
      String id = orderId(i);
      ddb.deleteItem(b -> b.tableName(TABLE).key(Map.of("order_id", AttributeValue.fromS(id))));
      EXPECTED.get(id).add(Op.REMOVE);
    }
  }

  /** Every record of every shard, shard by shard, then sorted by the global sequence counter. */
  private static List<Position> readStreamDirectly(DynamoDbStreamsClient streams) {
    String arn = ShardLineage.latestStreamArn(streams, TABLE);
    List<Position> out = new ArrayList<>();
    List<ShardLineage.ShardLink> shards = ShardLineage.describe(streams, arn);
    System.out.println("DynamoDB Local stream " + arn + " has shards " + shards);
    for (ShardLineage.ShardLink shard : shards) {
      String iterator =
          streams
              .getShardIterator(
                  b ->
                      b.streamArn(arn)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      while (iterator != null) {
        String current = iterator;
        GetRecordsResponse page = streams.getRecords(b -> b.shardIterator(current));
        if (page.records().isEmpty()) {
          break;
        }
        for (Record r : page.records()) {
          out.add(new Position(shard.shardId(), r.dynamodb().sequenceNumber(), r.eventID()));
        }
        iterator = page.nextShardIterator();
      }
    }
    // DynamoDB Local's sequence numbers are one zero-padded counter: their order is write order.
    out.sort(Comparator.comparing(Position::sequence));
    return out;
  }

  private static DynamoDbStreamsIO.Read read() {
    return DynamoDbStreamsIO.read()
        .withTableName(TABLE)
        .withClientConfiguration(
            ClientConfiguration.create(
                LocalAws.credentials(), LocalAws.region(), dynamo.endpoint()))
        .withPollInterval(Duration.millis(100));
  }

  private static Pipeline pipeline() {
    return Pipeline.create(PipelineOptionsFactory.fromArgs("--blockOnRun=true").create());
  }

  /** Decodes the messages; returns per item the ops in sequence order, and checks each message. */
  static Map<String, List<Op>> opsPerItem(Iterable<ChangeMessage> messages, String streamArn) {
    KinesisRecordDecoder decoder =
        KinesisRecordDecoder.forTables(Map.of(TABLE, List.of("order_id")));
    List<ChangeMessage> sorted =
        StreamSupport.stream(messages.spliterator(), false)
            .sorted(Comparator.comparing(ChangeMessage::sequenceNumber))
            .toList();
    Map<String, List<Op>> ops = new TreeMap<>();
    for (ChangeMessage m : sorted) {
      assertThat(m.readError()).isNull();
      assertThat(m.kind()).isEqualTo(SourceKind.DYNAMODB_STREAMS);
      assertThat(m.stream()).isEqualTo(streamArn);
      DecodedChange c = decoder.decode(m.payload(), m.stream(), m.shard(), m.sequenceNumber());
      String id = ((DynamoValue.S) c.record().keys().get("order_id")).value();
      ops.computeIfAbsent(id, k -> new ArrayList<>()).add(c.record().op());
    }
    return ops;
  }

  static List<String> eventIds(Iterable<ChangeMessage> messages) {
    KinesisRecordDecoder decoder =
        KinesisRecordDecoder.forTables(Map.of(TABLE, List.of("order_id")));
    List<String> ids = new ArrayList<>();
    for (ChangeMessage m : messages) {
      ids.add(
          decoder
              .decode(m.payload(), m.stream(), m.shard(), m.sequenceNumber())
              .record()
              .eventId());
    }
    return ids;
  }

  @Test
  void aBoundedReadEmitsEveryChangeOnceInOrderPerItem() {
    assertThat(stream).hasSize(N);
    String arn = ShardLineage.latestStreamArn(dynamo.streams(), TABLE);
    List<String> expectedIds = stream.stream().map(Position::eventId).toList();
    Map<String, List<Op>> expectedOps = new TreeMap<>(EXPECTED);

    Pipeline p = pipeline();
    PCollection<ChangeMessage> changes =
        p.apply(
            "Read orders stream",
            read().withMaxNumRecords(N).withMaxReadTime(Duration.standardMinutes(2)));
    PAssert.that(changes)
        .satisfies(
            messages -> {
              assertThat(eventIds(messages))
                  .hasSize(N)
                  .doesNotHaveDuplicates()
                  .containsExactlyInAnyOrderElementsOf(expectedIds);
              assertThat(opsPerItem(messages, arn)).isEqualTo(expectedOps);
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  void aReadResumedFromStartPositionsReadsExactlyTheRest() {
    int half = N / 2;
    Map<String, String> positions = new HashMap<>();
    for (Position pos : stream.subList(0, half)) {
      positions.merge(pos.shard(), pos.sequence(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }
    Set<String> secondHalf =
        stream.subList(half, N).stream().map(Position::eventId).collect(Collectors.toSet());

    Pipeline p = pipeline();
    // Bounded by time only: anything beyond the second half would show up as extra records.
    PCollection<ChangeMessage> changes =
        p.apply(
            "Resume orders stream",
            read().withStartPositions(positions).withMaxReadTime(Duration.standardSeconds(10)));
    PAssert.that(changes)
        .satisfies(
            messages -> {
              assertThat(eventIds(messages))
                  .hasSize(N - half)
                  .containsExactlyInAnyOrderElementsOf(secondHalf);
              return null;
            });
    p.run().waitUntilFinish();
  }
}
