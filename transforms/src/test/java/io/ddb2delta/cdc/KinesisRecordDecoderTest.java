package io.ddb2delta.cdc;

import static io.ddb2delta.cdc.KinesisFixtures.payload;
import static io.ddb2delta.cdc.KinesisFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.DecodeException;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.model.DynamoValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KinesisRecordDecoderTest {
  private static final Map<String, List<String>> ORDERS = Map.of("orders", List.of("order_id"));
  private static final String STREAM = "orders-changes";
  private static final String SHARD = "shardId-000000000003";
  private static final String SEQUENCE = "49654134567890123456789012345678901234567890123456789012";

  private final KinesisRecordDecoder decoder = KinesisRecordDecoder.forTables(ORDERS);

  private DecodedChange decode(String fixture) {
    return decoder.decode(payload(fixture), STREAM, SHARD, SEQUENCE);
  }

  @Test
  void insertCarriesItsNewImageAtItsCreationTimeAndTheKinesisPosition() {
    DecodedChange d = decode("insert.json");
    ChangeRecord r = d.record();

    assertThat(r.op()).isEqualTo(Op.INSERT);
    assertThat(r.tableName()).isEqualTo("orders");
    assertThat(r.eventId()).isEqualTo("7de3041dd709b024af6f29e4fa13d34c");
    assertThat(r.eventTimeMicros()).isEqualTo(1_700_000_000_123_000L);
    assertThat(r.keys()).containsExactly(entry("order_id", new DynamoValue.S("ord-1")));
    assertThat(r.newImage())
        .containsExactly(
            entry("order_id", new DynamoValue.S("ord-1")),
            entry("amount", DynamoValue.N.of("19.990")),
            entry("status", new DynamoValue.S("pending")));
    assertThat(r.oldImage()).isNull();
    assertThat(r.source()).isEqualTo(SourceKind.KINESIS);
    assertThat(r.position().toString())
        .isEqualTo("kinesis orders-changes shard shardId-000000000003 sequence " + SEQUENCE);
    assertThat(d.ttlExpiry()).isFalse();
    assertThat(d.sizeBytes()).isEqualTo(52L);
    assertThat(d.raw().oldImage()).isNull();
  }

  @Test
  void modifyCarriesBothImages() {
    ChangeRecord r = decode("modify-with-both-images.json").record();

    assertThat(r.op()).isEqualTo(Op.MODIFY);
    assertThat(r.eventTimeMicros()).isEqualTo(1_700_000_060_000_000L);
    assertThat(r.newImage().get("status")).isEqualTo(new DynamoValue.S("shipped"));
    assertThat(r.oldImage().get("status")).isEqualTo(new DynamoValue.S("pending"));
  }

  @Test
  void removeHasOnlyItsOldImageWhichSilverTypes() {
    DecodedChange d = decode("remove-with-old-image.json");

    assertThat(d.record().op()).isEqualTo(Op.REMOVE);
    assertThat(d.record().newImage()).isNull();
    assertThat(d.record().oldImage().get("status")).isEqualTo(new DynamoValue.S("shipped"));
    assertThat(d.image().json())
        .isEqualTo(
            "{\"order_id\":{\"S\":\"ord-1\"},\"amount\":{\"N\":\"19.990\"},\"status\":{\"S\":\"shipped\"}}");
    assertThat(d.ttlExpiry()).isFalse();
  }

  @Test
  void removeByTheTtlServiceIsMarkedAsAnExpiry() {
    DecodedChange d = decode("ttl-remove.json");

    assertThat(d.record().op()).isEqualTo(Op.REMOVE);
    assertThat(d.ttlExpiry()).isTrue();
  }

  @Test
  void microsecondTimeIsTakenAsWrittenWhenThePrecisionFieldSaysSo() {
    assertThat(decode("microsecond-timestamp-with-precision-field.json").record().eventTimeMicros())
        .isEqualTo(1_721_011_165_891_550L);
  }

  @Test
  void microsecondTimeIsRecognisedByItsMagnitudeWithoutThePrecisionField() {
    assertThat(
            decode("microsecond-timestamp-without-precision-field.json").record().eventTimeMicros())
        .isEqualTo(1_721_011_165_891_550L);
  }

  @Test
  void decimalMillisecondTimeIsConvertedExactlyAndTheSubMicrosecondPartDropped() {
    // 1700000000123.4567 ms = 1700000000123456.7 µs
    assertThat(decode("decimal-millisecond-timestamp.json").record().eventTimeMicros())
        .isEqualTo(1_700_000_000_123_456L);
  }

  @Test
  void bronzeAndAttributesTextIsThePayloadsOwnText() {
    String payload = text("every-attribute-type.json");
    DecodedChange d = decoder.decode(payload("every-attribute-type.json"), STREAM, SHARD, SEQUENCE);

    String newImage =
        "{ \"order_id\" : {\"S\":\"ord-5\"},\"line\":{\"N\":\"2\"},\"amount\":{\"N\":\"1.50E+2\"},"
            + "\"blob\":{\"B\":\"AQID\"},\"paid\":{\"BOOL\":true},\"note\":{\"NULL\":true},"
            + "\"address\":{\"M\":{\"city\":{\"S\":\"K\\u00f6ln\"},\"zip\":{\"N\":\"50667\"}}},"
            + "\"items\":{\"L\":[{\"S\":\"a\"},{\"N\":\"1\"},{\"L\":[]}]},"
            + "\"tags\":{\"SS\":[\"x\",\"y\"]},\"sizes\":{\"NS\":[\"1\",\"2.5\"]},"
            + "\"chunks\":{\"BS\":[\"AA==\",\"AQ==\"]},\"empty\":{\"S\":\"\"}}";
    assertThat(payload).contains(newImage);
    assertThat(d.raw().newImage()).isEqualTo(newImage);
    assertThat(d.raw().keys())
        .isEqualTo("{\"order_id\":{\"S\":\"ord-5\"}, \"line\":{\"N\":\"2\"}}");
    assertThat(d.raw().oldImage())
        .isEqualTo("{\"order_id\":{\"S\":\"ord-5\"},\"line\":{\"N\":\"2\"}}");
    assertThat(d.image().json()).isEqualTo(newImage);
    assertThat(
            d.image()
                .except(
                    List.of(
                        "order_id",
                        "line",
                        "amount",
                        "blob",
                        "paid",
                        "note",
                        "address",
                        "items",
                        "tags",
                        "sizes")))
        .isEqualTo("{\"chunks\":{\"BS\":[\"AA==\",\"AQ==\"]},\"empty\":{\"S\":\"\"}}");
  }

  @Test
  void everyAttributeTypeDecodesToItsDynamoValue() {
    Map<String, DynamoValue> image = decode("every-attribute-type.json").record().newImage();

    assertThat(image.get("amount")).isEqualTo(DynamoValue.N.of("150"));
    assertThat(image.get("blob")).isEqualTo(DynamoValue.B.of(new byte[] {1, 2, 3}));
    assertThat(image.get("paid")).isEqualTo(DynamoValue.Bool.TRUE);
    assertThat(image.get("note")).isEqualTo(DynamoValue.Null.INSTANCE);
    assertThat(image.get("address"))
        .isEqualTo(
            new DynamoValue.M(
                Map.of("city", new DynamoValue.S("Köln"), "zip", DynamoValue.N.of("50667"))));
    assertThat(image.get("items"))
        .isEqualTo(
            new DynamoValue.L(
                List.of(
                    new DynamoValue.S("a"), DynamoValue.N.of("1"), new DynamoValue.L(List.of()))));
    assertThat(image.get("tags")).isEqualTo(DynamoValue.SS.of(List.of("y", "x")));
    assertThat(image.get("sizes"))
        .isEqualTo(DynamoValue.NS.of(List.of(DynamoValue.N.of("2.50"), DynamoValue.N.of("1"))));
    assertThat(image.get("chunks"))
        .isEqualTo(
            DynamoValue.BS.of(
                List.of(DynamoValue.B.of(new byte[] {0}), DynamoValue.B.of(new byte[] {1}))));
    assertThat(image.get("empty")).isEqualTo(new DynamoValue.S(""));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "malformed-json.json               | MALFORMED_JSON | malformed JSON",
        "malformed-json-inside-image.json  | MALFORMED_JSON | dynamodb.NewImage",
        "not-an-object.json                | INVALID_SHAPE  | payload is a JSON array",
        "missing-dynamodb.json             | INVALID_SHAPE  | no \"dynamodb\" object",
        "unknown-event-name.json           | INVALID_SHAPE  | eventName is \"UPSERT\"",
        "wrong-event-source.json           | INVALID_SHAPE  | eventSource is \"aws:kinesis\"",
        "missing-event-id.json             | INVALID_SHAPE  | no eventID",
        "missing-table-name.json           | INVALID_SHAPE  | no tableName",
        "missing-creation-time.json        | INVALID_SHAPE  | ApproximateCreationDateTime is missing",
        "unknown-time-precision.json       | INVALID_SHAPE  | \"NANOSECOND\"",
        "insert-with-old-image.json        | INVALID_SHAPE  | INSERT record has an OldImage",
        "repeated-field.json               | INVALID_SHAPE  | eventName appears more than once",
        "missing-keys.json                 | MISSING_KEY    | dynamodb.Keys is missing",
        "empty-keys.json                   | MISSING_KEY    | dynamodb.Keys is empty",
        "keys-without-mapped-key.json      | MISSING_KEY    | no key attribute \"order_id\"",
        "number-with-39-digits.json        | INVALID_VALUE  | attribute \"amount\"",
        "empty-string-set.json             | INVALID_VALUE  | attribute \"tags\": SS set is empty",
        "unknown-table.json                | UNKNOWN_TABLE  | table \"customers\"",
      })
  void everyBadPayloadHasItsCategoryAndSaysWhatIsWrong(
      String fixture, String category, String reason) {
    assertThatThrownBy(() -> decode("bad/" + fixture))
        .isInstanceOfSatisfying(
            DecodeException.class, e -> assertThat(e.errorClass()).isEqualTo(category))
        .hasMessageContaining(reason);
  }

  @Test
  void invalidUtf8IsMalformedNotSilentlyReplaced() {
    byte[] payload = "{\"tableName\":\"orders\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);

    assertThatThrownBy(() -> decoder.decode(payload, STREAM, SHARD, SEQUENCE))
        .isInstanceOfSatisfying(
            DecodeException.class,
            e -> assertThat(e.errorClass()).isEqualTo(DecodeException.MALFORMED_JSON))
        .hasMessageContaining("not valid UTF-8");
  }

  @Test
  void aDecoderForAnyTablePassesOtherTablesThroughAndStillChecksMappedKeys() {
    KinesisRecordDecoder open = KinesisRecordDecoder.forAnyTable(ORDERS);

    ChangeRecord other =
        open.decode(payload("bad/unknown-table.json"), STREAM, SHARD, "1").record();
    assertThat(other.tableName()).isEqualTo("customers");
    assertThat(other.keys()).containsExactly(entry("customer_id", new DynamoValue.S("c-1")));
    assertThatThrownBy(
            () -> open.decode(payload("bad/keys-without-mapped-key.json"), STREAM, SHARD, "2"))
        .isInstanceOfSatisfying(
            DecodeException.class,
            e -> assertThat(e.errorClass()).isEqualTo(DecodeException.MISSING_KEY));
  }
}
