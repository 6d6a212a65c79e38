package io.ddb2delta.tables;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.DecodeException;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.model.DynamoValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeRowsTest {
  private static final SourcePosition POS = SourcePosition.exportLine("exp-1", "data/a.json.gz", 7);
  private static final String POS_TEXT = "export exp-1 file data/a.json.gz line 7";
  private static final long PROCESSED = 1_709_300_000_000_000L;
  private static final ChangeRows ROWS =
      ChangeRows.forTables(List.of(TableMapping.shipped("orders")));

  private static DecodedChange order(DynamoValue amount) {
    Map<String, DynamoValue> item = new LinkedHashMap<>();
    item.put("order_id", new DynamoValue.S("ord-1"));
    item.put("customer_id", new DynamoValue.S("cust-9"));
    item.put("amount", amount);
    item.put("status", new DynamoValue.S("pending"));
    ChangeRecord record =
        new ChangeRecord(
            "orders",
            Op.SNAPSHOT,
            Map.of("order_id", new DynamoValue.S("ord-1")),
            item,
            null,
            1_709_296_496_000_000L,
            "e-1",
            POS);
    return new DecodedChange(
        record, new BronzeTable.RawImages(null, null, null), null, false, null);
  }

  private static List<String> tablesOf(ChangeRows.Rows rows) {
    List<String> tables = new ArrayList<>();
    rows.forEach((table, row) -> tables.add(table));
    return tables;
  }

  @Test
  void aRecordThatDecodesAndTypesGivesBronzeThenSilverAndNeverAsksForItsPosition() {
    ChangeRows.Rows rows =
        ROWS.of(
            () -> order(DynamoValue.N.of("19.99")),
            "orders",
            () -> {
              throw new AssertionError("position asked for");
            },
            () -> {
              throw new AssertionError("raw asked for");
            },
            PROCESSED);

    assertThat(tablesOf(rows)).containsExactly("dynamodb_bronze", "orders_silver");
    assertThat(rows.quarantine()).isNull();
    assertThat(rows.silver()[0]).isEqualTo("ord-1");
  }

  @Test
  void aRecordThatDoesNotDecodeGivesAQuarantineRowAlone() {
    ChangeRows.Rows rows =
        ROWS.of(
            () -> {
              throw new DecodeException(DecodeException.MALFORMED_JSON, "unexpected end of input");
            },
            "orders",
            () -> POS,
            () -> "{\"Item\":",
            PROCESSED);

    assertThat(tablesOf(rows)).containsExactly("dynamodb_quarantine");
    assertThat(rows.quarantine())
        .containsExactly(
            "orders",
            "export",
            POS_TEXT,
            "{\"Item\":",
            "decode",
            "MALFORMED_JSON",
            POS_TEXT + ": unexpected end of input",
            PROCESSED);
  }

  @Test
  void aDecoderThatThrowsAnythingElseStillQuarantinesTheRecordSayingWhat() {
    ChangeRows.Rows rows =
        ROWS.of(
            () -> {
              throw new NullPointerException("no Item");
            },
            "orders",
            () -> POS,
            () -> "{}",
            PROCESSED);

    assertThat(rows.quarantine()[5]).isEqualTo("INVALID_SHAPE");
    assertThat(rows.quarantine()[6]).isEqualTo(POS_TEXT + ": NullPointerException: no Item");
  }

  @Test
  void aRecordThatDecodesButCannotBeTypedGivesBronzeAndQuarantine() {
    ChangeRows.Rows rows =
        ROWS.of(
            () -> order(new DynamoValue.S("nineteen")),
            "unknown",
            () -> POS,
            () -> "the line",
            PROCESSED);

    assertThat(tablesOf(rows)).containsExactly("dynamodb_bronze", "dynamodb_quarantine");
    assertThat(rows.silver()).isNull();
    Object[] q = rows.quarantine();
    // The decoded table, not the placeholder the caller knew before decoding.
    assertThat(q[0]).isEqualTo("orders");
    assertThat(q[3]).isEqualTo("the line");
    assertThat(q[4]).isEqualTo("map");
    assertThat(q[5]).isEqualTo("MAPPING");
    assertThat((String) q[6]).startsWith(POS_TEXT + ": ").contains("amount");
  }

  private static DecodedChange streamInsert(Map<String, DynamoValue> keys, String imageOrderId) {
    Map<String, DynamoValue> item = new LinkedHashMap<>(keys);
    item.put("order_id", new DynamoValue.S(imageOrderId));
    item.put("status", new DynamoValue.S("pending"));
    ChangeRecord record =
        new ChangeRecord(
            "orders",
            Op.INSERT,
            keys,
            item,
            null,
            1_709_296_496_000_000L,
            "e-2",
            new SourcePosition(
                SourceKind.DYNAMODB_STREAMS,
                "arn:stream/orders",
                "shard-1",
                "000000000000000000042"));
    return new DecodedChange(
        record, new BronzeTable.RawImages(null, null, null), null, false, null);
  }

  @Test
  void aChangeKeyedByOtherAttributesThanTheMappingsGivesBronzeAndQuarantineSayingWhich() {
    ChangeRows.Rows rows =
        ROWS.of(
            () -> streamInsert(Map.of("id", new DynamoValue.S("ord-1")), "ord-1"),
            "orders",
            () -> POS,
            () -> "the record",
            PROCESSED);

    assertThat(tablesOf(rows)).containsExactly("dynamodb_bronze", "dynamodb_quarantine");
    Object[] q = rows.quarantine();
    assertThat(q[4]).isEqualTo("map");
    assertThat(q[5]).isEqualTo("KEY_MISMATCH");
    assertThat((String) q[6])
        .isEqualTo(
            POS_TEXT
                + ": the change's key attributes [id] are not the key attributes [order_id] that"
                + " the mapping of table orders is keyed by; check that the mapping matches the"
                + " table's key schema");
  }

  @Test
  void aChangeWhoseImageHoldsAnotherKeyThanItsKeysIsQuarantinedNamingTheAttribute() {
    ChangeRows.Rows rows =
        ROWS.of(
            () -> streamInsert(Map.of("order_id", new DynamoValue.S("ord-1")), "ord-2"),
            "orders",
            () -> POS,
            () -> "the record",
            PROCESSED);

    assertThat(rows.silver()).isNull();
    assertThat(rows.quarantine()[5]).isEqualTo("KEY_MISMATCH");
    assertThat((String) rows.quarantine()[6])
        .isEqualTo(
            POS_TEXT
                + ": the new image's key attribute order_id is {\"S\":\"ord-2\"}, but the"
                + " change's key is {\"S\":\"ord-1\"}");
  }
}
