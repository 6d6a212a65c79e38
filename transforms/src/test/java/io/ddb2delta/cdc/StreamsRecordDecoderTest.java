package io.ddb2delta.cdc;

import static io.ddb2delta.cdc.StreamsRecords.SHARD;
import static io.ddb2delta.cdc.StreamsRecords.STREAM_ARN;
import static io.ddb2delta.cdc.StreamsRecords.record;
import static io.ddb2delta.cdc.StreamsRecords.ttlDelete;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.DecodeException;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.model.DynamoValue;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.Record;

class StreamsRecordDecoderTest {
  private static final Map<String, List<String>> ORDERS = Map.of("orders", List.of("order_id"));
  private static final Map<String, AttributeValue> KEYS =
      Map.of("order_id", AttributeValue.fromS("ord-1"));
  private static final Instant CREATED = Instant.parse("2024-07-15T02:39:25.891550Z");
  private static final String SEQUENCE = "000000000000000000042";

  private final StreamsRecordDecoder decoder = StreamsRecordDecoder.forTables(ORDERS);

  private static Map<String, AttributeValue> image(String status) {
    return Map.of(
        "order_id", AttributeValue.fromS("ord-1"),
        "status", AttributeValue.fromS(status),
        "amount", AttributeValue.fromN("19.990"));
  }

  private DecodedChange decode(Record r) {
    return decoder.decode(r, "orders", STREAM_ARN, SHARD);
  }

  @Test
  void insertBecomesAnEnvelopeAtTheStreamPosition() {
    DecodedChange d =
        decode(record("INSERT", "ev-1", CREATED, SEQUENCE, KEYS, image("pending"), null));
    ChangeRecord r = d.record();

    assertThat(r.op()).isEqualTo(Op.INSERT);
    assertThat(r.tableName()).isEqualTo("orders");
    assertThat(r.eventId()).isEqualTo("ev-1");
    assertThat(r.eventTimeMicros()).isEqualTo(1_721_011_165_891_550L);
    assertThat(r.keys()).containsExactly(entry("order_id", new DynamoValue.S("ord-1")));
    assertThat(r.newImage())
        .containsOnly(
            entry("order_id", new DynamoValue.S("ord-1")),
            entry("status", new DynamoValue.S("pending")),
            entry("amount", DynamoValue.N.of("19.990")));
    assertThat(r.oldImage()).isNull();
    assertThat(r.source()).isEqualTo(SourceKind.DYNAMODB_STREAMS);
    assertThat(r.position().toString())
        .isEqualTo("stream " + STREAM_ARN + " shard " + SHARD + " sequence " + SEQUENCE);
    assertThat(d.sizeBytes()).isEqualTo(42L);
    assertThat(d.ttlExpiry()).isFalse();
  }

  @Test
  void modifyAndRemoveCarryTheirImages() {
    ChangeRecord modify =
        decode(
                record(
                    "MODIFY", "ev-2", CREATED, SEQUENCE, KEYS, image("shipped"), image("pending")))
            .record();
    ChangeRecord remove =
        decode(record("REMOVE", "ev-3", CREATED, SEQUENCE, KEYS, null, image("shipped"))).record();

    assertThat(modify.op()).isEqualTo(Op.MODIFY);
    assertThat(modify.newImage().get("status")).isEqualTo(new DynamoValue.S("shipped"));
    assertThat(modify.oldImage().get("status")).isEqualTo(new DynamoValue.S("pending"));
    assertThat(remove.op()).isEqualTo(Op.REMOVE);
    assertThat(remove.newImage()).isNull();
    assertThat(remove.oldImage().get("status")).isEqualTo(new DynamoValue.S("shipped"));
  }

  @Test
  void bronzeTextIsTheValuesEncodedAsDynamoDbJsonAndThereIsNoRawImage() {
    Map<String, AttributeValue> one = Map.of("order_id", AttributeValue.fromS("ord-1"));
    DecodedChange d = decode(record("MODIFY", "ev-2", CREATED, SEQUENCE, KEYS, one, one));

    assertThat(d.raw().keys()).isEqualTo("{\"order_id\":{\"S\":\"ord-1\"}}");
    assertThat(d.raw().newImage()).isEqualTo("{\"order_id\":{\"S\":\"ord-1\"}}");
    assertThat(d.raw().oldImage()).isEqualTo("{\"order_id\":{\"S\":\"ord-1\"}}");
    assertThat(d.image()).isNull();
  }

  @Test
  void aRemoveByTheTtlServiceIsAnExpiryAndOneByAUserIsNot() {
    Record remove = record("REMOVE", "ev-4", CREATED, SEQUENCE, KEYS, null, image("shipped"));
    Record byUser =
        remove.toBuilder()
            .userIdentity(Identity.builder().type("IAMUser").principalId("AIDAEXAMPLE").build())
            .build();

    assertThat(decode(ttlDelete(remove)).ttlExpiry()).isTrue();
    assertThat(decode(remove).ttlExpiry()).isFalse();
    assertThat(decode(byUser).ttlExpiry()).isFalse();
  }

  @Test
  void dynamoDbLocalsMinuteTimesAreKeptAsGiven() {
    Instant minute = Instant.parse("2024-07-15T02:39:00Z");

    assertThat(
            decode(record("INSERT", "ev-5", minute, SEQUENCE, KEYS, image("a"), null))
                .record()
                .eventTimeMicros())
        .isEqualTo(1_721_011_140_000_000L);
  }

  @Test
  void faultsHaveTheirCategories() {
    assertCategory(
        record("UPSERT", "ev", CREATED, SEQUENCE, KEYS, image("a"), null),
        DecodeException.INVALID_SHAPE,
        "eventName is \"UPSERT\"");
    assertCategory(
        record("INSERT", null, CREATED, SEQUENCE, KEYS, image("a"), null),
        DecodeException.INVALID_SHAPE,
        "no eventID");
    assertCategory(
        record("INSERT", "ev", null, SEQUENCE, KEYS, image("a"), null),
        DecodeException.INVALID_SHAPE,
        "ApproximateCreationDateTime is missing");
    assertCategory(
        record("INSERT", "ev", CREATED, null, KEYS, image("a"), null),
        DecodeException.INVALID_SHAPE,
        "SequenceNumber is missing");
    assertCategory(
        record("INSERT", "ev", CREATED, SEQUENCE, KEYS, null, null).toBuilder()
            .dynamodb((software.amazon.awssdk.services.dynamodb.model.StreamRecord) null)
            .build(),
        DecodeException.INVALID_SHAPE,
        "no \"dynamodb\"");
    assertCategory(
        record("REMOVE", "ev", CREATED, SEQUENCE, KEYS, image("a"), null),
        DecodeException.INVALID_SHAPE,
        "REMOVE record has a NewImage");
    assertCategory(
        record("INSERT", "ev", CREATED, SEQUENCE, Map.of(), image("a"), null),
        DecodeException.MISSING_KEY,
        "Keys is empty");
    assertCategory(
        record(
            "INSERT",
            "ev",
            CREATED,
            SEQUENCE,
            Map.of("orderId", AttributeValue.fromS("x")),
            image("a"),
            null),
        DecodeException.MISSING_KEY,
        "no key attribute \"order_id\"");
    assertCategory(
        record(
            "INSERT",
            "ev",
            CREATED,
            SEQUENCE,
            KEYS,
            Map.of("order_id", AttributeValue.fromS("ord-1"), "n", AttributeValue.fromN("1e999")),
            null),
        DecodeException.INVALID_VALUE,
        "dynamodb.NewImage: attribute \"n\"");
  }

  @Test
  void aTableOutsideAFixedSetIsUnknown() {
    Record insert = record("INSERT", "ev", CREATED, SEQUENCE, KEYS, image("a"), null);

    assertThatThrownBy(() -> decoder.decode(insert, "customers", STREAM_ARN, SHARD))
        .isInstanceOfSatisfying(
            DecodeException.class,
            e -> assertThat(e.errorClass()).isEqualTo(DecodeException.UNKNOWN_TABLE))
        .hasMessageContaining("\"customers\"");
    assertThat(
            StreamsRecordDecoder.forAnyTable(ORDERS)
                .decode(insert, "customers", STREAM_ARN, SHARD)
                .record()
                .tableName())
        .isEqualTo("customers");
  }

  private void assertCategory(Record r, String category, String reason) {
    assertThatThrownBy(() -> decode(r))
        .isInstanceOfSatisfying(
            DecodeException.class, e -> assertThat(e.errorClass()).isEqualTo(category))
        .hasMessageContaining(reason);
  }
}
