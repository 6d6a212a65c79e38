package io.ddb2delta.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.local.LocalDynamoDb;
import io.ddb2delta.local.LocalKinesis;
import io.ddb2delta.mapping.SilverMapper;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.testing.DynamoTables;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The change decoders against real services: DynamoDB Local's stream records become the envelope
 * and typed silver rows; the same changes, written to kinesalite in AWS's Kinesis Data Streams for
 * DynamoDB format (as AWS would), decode back to the same envelope.
 */
class ChangeDecodersIT {
  private static final Map<String, List<String>> KEYS = Map.of("orders", List.of("order_id"));
  private static LocalDynamoDb dynamo;
  private static LocalKinesis kinesisService;

  @BeforeAll
  static void start() {
    dynamo = LocalDynamoDb.start();
    kinesisService = LocalKinesis.start();
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

  private static AttributeValue s(String v) {
    return AttributeValue.fromS(v);
  }

  @Test
  void streamRecordsBecomeEnvelopesAndSilverRowsAndSurviveTheKinesisFormat() throws Exception {
    DynamoDbClient ddb = dynamo.dynamoDb();
    DynamoTables.create(ddb, "orders", "order_id", true);
    Map<String, AttributeValue> key = Map.of("order_id", s("ord-1"));
    ddb.putItem(
        b ->
            b.tableName("orders")
                .item(
                    Map.of(
                        "order_id", s("ord-1"),
                        "customer_id", s("cust-7"),
                        "amount", AttributeValue.fromN("19.999"),
                        "status", s("pending"),
                        "created_at", s("2024-03-01T12:34:56.789Z"),
                        "tags", AttributeValue.fromSs(List.of("gift", "rush")))));
    ddb.updateItem(
        b ->
            b.tableName("orders")
                .key(key)
                .updateExpression("SET #s = :s")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":s", s("shipped"))));
    ddb.deleteItem(b -> b.tableName("orders").key(key));

    DynamoDbStreamsClient streams = dynamo.streams();
    String streamArn = streams.listStreams(b -> b.tableName("orders")).streams().get(0).streamArn();
    StreamsRecordDecoder streamsDecoder = StreamsRecordDecoder.forTables(KEYS);
    List<DecodedChange> fromStreams = new ArrayList<>();
    List<Record> raw = new ArrayList<>();
    for (var shard :
        streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards()) {
      String iterator =
          streams
              .getShardIterator(
                  b ->
                      b.streamArn(streamArn)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      for (Record r : streams.getRecords(b -> b.shardIterator(iterator)).records()) {
        raw.add(r);
        fromStreams.add(streamsDecoder.decode(r, "orders", streamArn, shard.shardId()));
      }
    }

    assertThat(fromStreams)
        .extracting(d -> d.record().op())
        .containsExactly(Op.INSERT, Op.MODIFY, Op.REMOVE);
    for (int i = 0; i < 3; i++) {
      ChangeRecord r = fromStreams.get(i).record();
      assertThat(r.tableName()).isEqualTo("orders");
      assertThat(r.keys()).containsExactly(Map.entry("order_id", new DynamoValue.S("ord-1")));
      assertThat(r.eventId()).isEqualTo(raw.get(i).eventID());
      assertThat(r.source()).isEqualTo(SourceKind.DYNAMODB_STREAMS);
      assertThat(r.position().stream()).isEqualTo(streamArn);
      assertThat(r.position().offset()).isEqualTo(raw.get(i).dynamodb().sequenceNumber());
      assertThat(r.eventTimeMicros())
          .isEqualTo(raw.get(i).dynamodb().approximateCreationDateTime().toEpochMilli() * 1000);
      assertThat(fromStreams.get(i).ttlExpiry()).isFalse();
    }

    SilverMapper orders = new SilverMapper(TableMapping.shipped("orders"));
    List<Object[]> rows = new ArrayList<>();
    for (DecodedChange d : fromStreams) {
      rows.add(orders.map(d.record(), 0L, d.image()));
    }
    // order_id, customer_id, product_id, order_amount, order_status, created_at, event_type, ...
    assertThat(rows.get(0)[3]).isEqualTo(new BigDecimal("20.00"));
    assertThat(rows.get(0)[4]).isEqualTo("pending");
    assertThat(rows.get(0)[5]).isEqualTo(1_709_296_496_789_000L);
    assertThat(rows.get(0)[6]).isEqualTo("INSERT");
    assertThat(rows.get(1)[4]).isEqualTo("shipped");
    assertThat(rows.get(1)[6]).isEqualTo("MODIFY");
    // A REMOVE is typed from its old image: the last state the item had.
    assertThat(rows.get(2)[4]).isEqualTo("shipped");
    assertThat(rows.get(2)[6]).isEqualTo("REMOVE");
    assertThat((String) rows.get(2)[9]).contains("\"tags\":{\"SS\":[");

    KinesisClient kinesis = kinesisService.kinesis();
    kinesis.createStream(b -> b.streamName("orders-changes").shardCount(2));
    while (kinesis
            .describeStream(b -> b.streamName("orders-changes"))
            .streamDescription()
            .streamStatus()
        != StreamStatus.ACTIVE) {
      Thread.sleep(50);
    }
    KinesisRecordEncoder encoder = new KinesisRecordEncoder("us-east-1");
    for (DecodedChange d : fromStreams) {
      kinesis.putRecord(
          b ->
              b.streamName("orders-changes")
                  .partitionKey("ord-1")
                  .data(SdkBytes.fromByteArray(encoder.encode(d))));
    }
    KinesisRecordDecoder kinesisDecoder = KinesisRecordDecoder.forTables(KEYS);
    List<DecodedChange> fromKinesis = new ArrayList<>();
    for (Shard shard : kinesis.listShards(b -> b.streamName("orders-changes")).shards()) {
      String iterator =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName("orders-changes")
                          .shardId(shard.shardId())
                          .shardIteratorType(
                              software.amazon.awssdk.services.kinesis.model.ShardIteratorType
                                  .TRIM_HORIZON))
              .shardIterator();
      for (var r : kinesis.getRecords(b -> b.shardIterator(iterator)).records()) {
        fromKinesis.add(
            kinesisDecoder.decode(
                r.data().asByteArray(), "orders-changes", shard.shardId(), r.sequenceNumber()));
      }
    }
    // One partition key, so one shard, in put order.
    assertThat(fromKinesis).hasSize(3);
    for (int i = 0; i < 3; i++) {
      ChangeRecord k = fromKinesis.get(i).record();
      ChangeRecord s = fromStreams.get(i).record();
      assertThat(k.op()).isEqualTo(s.op());
      assertThat(k.keys()).isEqualTo(s.keys());
      assertThat(k.newImage()).isEqualTo(s.newImage());
      assertThat(k.oldImage()).isEqualTo(s.oldImage());
      assertThat(k.eventId()).isEqualTo(s.eventId());
      assertThat(k.eventTimeMicros()).isEqualTo(s.eventTimeMicros());
      assertThat(k.source()).isEqualTo(SourceKind.KINESIS);
      assertThat(k.position().stream()).isEqualTo("orders-changes");
    }
    assertThat(fromKinesis)
        .extracting(d -> new java.math.BigInteger(d.record().position().offset()))
        .isSortedAccordingTo(Comparator.naturalOrder());
  }
}
