package io.ddb2delta.cdc;

import static io.ddb2delta.cdc.StreamsRecords.SHARD;
import static io.ddb2delta.cdc.StreamsRecords.STREAM_ARN;
import static io.ddb2delta.cdc.StreamsRecords.record;
import static io.ddb2delta.cdc.StreamsRecords.ttlDelete;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.model.DynamoValueArbitraries;
import io.ddb2delta.tables.BronzeTable.RawImages;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

class KinesisRecordEncoderTest {
  private static final Map<String, List<String>> ORDERS = Map.of("orders", List.of("order_id"));
  private static final SourcePosition SOMEWHERE =
      new SourcePosition(io.ddb2delta.change.SourceKind.DYNAMODB_STREAMS, STREAM_ARN, SHARD, "1");
  private static final Map<String, AttributeValue> KEYS =
      Map.of("order_id", AttributeValue.fromS("ord-1"));

  private static Map<String, DynamoValue> item(String... nameValue) {
    Map<String, DynamoValue> item = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      item.put(nameValue[i], new DynamoValue.S(nameValue[i + 1]));
    }
    return item;
  }

  private static DecodedChange change(ChangeRecord record, boolean ttl, Long sizeBytes) {
    return new DecodedChange(record, new RawImages(null, null, null), null, ttl, sizeBytes);
  }

  @Test
  void aModifyIsWrittenExactlyAsAwsWritesItInMilliseconds() {
    ChangeRecord modify =
        new ChangeRecord(
            "orders",
            Op.MODIFY,
            item("order_id", "ord-1"),
            item("order_id", "ord-1", "status", "shipped"),
            item("order_id", "ord-1", "status", "pending"),
            1_700_000_060_123_456L,
            "ev-1",
            SOMEWHERE);

    byte[] payload = new KinesisRecordEncoder("us-east-1").encode(change(modify, false, 61L));

    assertThat(new String(payload, StandardCharsets.UTF_8))
        .isEqualTo(KinesisFixtures.text("encoded-modify-in-milliseconds.json"));
  }

  @Test
  void aTtlRemoveIsWrittenWithTheServiceIdentityInMicroseconds() {
    Map<String, DynamoValue> old = new LinkedHashMap<>(item("order_id", "ord-2"));
    old.put("expires_at", DynamoValue.N.of("1700000000"));
    ChangeRecord remove =
        new ChangeRecord(
            "orders",
            Op.REMOVE,
            item("order_id", "ord-2"),
            null,
            old,
            1_700_000_060_123_456L,
            "ev-2",
            SOMEWHERE);

    byte[] payload =
        new KinesisRecordEncoder("eu-west-1", TimePrecision.MICROSECOND)
            .encode(change(remove, true, null));

    assertThat(new String(payload, StandardCharsets.UTF_8))
        .isEqualTo(KinesisFixtures.text("encoded-ttl-remove-in-microseconds.json"));
  }

  @Test
  void aSnapshotIsNotAStreamEvent() {
    ChangeRecord snapshot =
        new ChangeRecord(
            "orders",
            Op.SNAPSHOT,
            item("order_id", "o"),
            item("order_id", "o"),
            null,
            0L,
            "e",
            SOMEWHERE);

    assertThatThrownBy(
            () -> new KinesisRecordEncoder("us-east-1").encode(change(snapshot, false, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SNAPSHOT");
  }

  @ParameterizedTest
  @EnumSource(TimePrecision.class)
  void aStreamsRecordSurvivesTheBridgeToKinesis(TimePrecision precision) {
    Instant created = Instant.parse("2024-07-15T02:39:25.891550123Z");
    long expectedMicros =
        precision == TimePrecision.MILLISECOND ? 1_721_011_165_891_000L : 1_721_011_165_891_550L;
    Map<String, AttributeValue> newImage =
        Map.of(
            "order_id", AttributeValue.fromS("ord-1"),
            "amount", AttributeValue.fromN("1.50E+2"),
            "tags", AttributeValue.fromSs(List.of("x", "y")),
            "gone", AttributeValue.fromNul(true));
    Map<String, AttributeValue> oldImage = Map.of("order_id", AttributeValue.fromS("ord-1"));
    List<Record> records =
        List.of(
            record("INSERT", "ev-i", created, "000000000000000000001", KEYS, newImage, null),
            record("MODIFY", "ev-m", created, "000000000000000000002", KEYS, newImage, oldImage),
            record("REMOVE", "ev-r", created, "000000000000000000003", KEYS, null, oldImage),
            ttlDelete(
                record("REMOVE", "ev-t", created, "000000000000000000004", KEYS, null, oldImage)));
    StreamsRecordDecoder streams = StreamsRecordDecoder.forTables(ORDERS);
    KinesisRecordEncoder encoder = new KinesisRecordEncoder("eu-west-1", precision);
    KinesisRecordDecoder kinesis = KinesisRecordDecoder.forTables(ORDERS);

    for (Record r : records) {
      DecodedChange before = streams.decode(r, "orders", STREAM_ARN, SHARD);
      DecodedChange after =
          kinesis.decode(encoder.encode(before), "bridge", "shardId-000000000000", "49");

      ChangeRecord a = after.record();
      ChangeRecord b = before.record();
      assertThat(a.tableName()).isEqualTo("orders");
      assertThat(a.op()).isEqualTo(b.op());
      assertThat(a.keys()).isEqualTo(b.keys());
      assertThat(a.newImage()).isEqualTo(b.newImage());
      assertThat(a.oldImage()).isEqualTo(b.oldImage());
      assertThat(a.eventId()).isEqualTo(r.eventID());
      assertThat(a.eventTimeMicros()).isEqualTo(expectedMicros);
      assertThat(after.ttlExpiry()).isEqualTo(before.ttlExpiry());
      assertThat(after.sizeBytes()).isEqualTo(42L);
    }
  }

  @Property(tries = 200)
  void anyImageSurvivesEncodingAndDecoding(@ForAll("items") Map<String, DynamoValue> attributes) {
    Map<String, DynamoValue> image = new LinkedHashMap<>(attributes);
    image.put("order_id", new DynamoValue.S("ord-1"));
    ChangeRecord insert =
        new ChangeRecord(
            "orders",
            Op.INSERT,
            Map.of("order_id", new DynamoValue.S("ord-1")),
            image,
            null,
            1_721_011_165_891_550L,
            "ev",
            SOMEWHERE);

    byte[] payload =
        new KinesisRecordEncoder("eu-west-1", TimePrecision.MICROSECOND)
            .encode(change(insert, false, null));
    ChangeRecord back =
        KinesisRecordDecoder.forTables(ORDERS).decode(payload, "s", "p", "o").record();

    assertThat(back.newImage()).isEqualTo(image);
    assertThat(back.eventTimeMicros()).isEqualTo(1_721_011_165_891_550L);
  }

  @Provide
  Arbitrary<Map<String, DynamoValue>> items() {
    return DynamoValueArbitraries.items();
  }
}
