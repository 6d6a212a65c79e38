package io.ddb2delta.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.model.DynamoValue;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SilverMapperTest {
  private static final SilverMapper ORDERS = new SilverMapper(TableMapping.shipped("orders"));
  private static final SourcePosition POS = SourcePosition.exportLine("exp-1", "data/a.json.gz", 7);
  private static final long EVENT = 1_709_296_496_000_000L;
  private static final long PROCESSED = 1_709_300_000_000_000L;

  private static Map<String, DynamoValue> order() {
    Map<String, DynamoValue> item = new LinkedHashMap<>();
    item.put("order_id", new DynamoValue.S("ord-1"));
    item.put("customer_id", new DynamoValue.S("cust-9"));
    item.put("product_id", new DynamoValue.S("prod-3"));
    item.put("amount", DynamoValue.N.of("19.999"));
    item.put("status", new DynamoValue.S("pending"));
    item.put("created_at", new DynamoValue.S("2024-03-01T12:34:56Z"));
    item.put("gift", DynamoValue.Bool.TRUE);
    item.put("tags", DynamoValue.SS.of(List.of("a", "b")));
    item.put("coupon", DynamoValue.Null.INSTANCE);
    return item;
  }

  private static ChangeRecord record(
      Op op, Map<String, DynamoValue> newImage, Map<String, DynamoValue> oldImage) {
    return new ChangeRecord(
        "orders",
        op,
        Map.of("order_id", new DynamoValue.S("ord-1")),
        newImage,
        oldImage,
        EVENT,
        "e-1",
        POS);
  }

  @Test
  void typesAnOrderAndKeepsTheRestInAttributes() {
    Object[] row = ORDERS.map(record(Op.SNAPSHOT, order(), null), PROCESSED);

    assertThat(row)
        .containsExactly(
            "ord-1",
            "cust-9",
            "prod-3",
            new BigDecimal("20.00"),
            "pending",
            1_709_296_496_000_000L,
            "SNAPSHOT",
            EVENT,
            PROCESSED,
            "{\"gift\":{\"BOOL\":true},\"tags\":{\"SS\":[\"a\",\"b\"]},\"coupon\":{\"NULL\":true}}");
  }

  @Test
  void absentOptionalAttributeIsNullAndNothingIsInvented() {
    Map<String, DynamoValue> item = new LinkedHashMap<>();
    item.put("order_id", new DynamoValue.S("ord-1"));
    Object[] row = ORDERS.map(record(Op.INSERT, item, null), PROCESSED);

    assertThat(row)
        .containsExactly("ord-1", null, null, null, null, null, "INSERT", EVENT, PROCESSED, "{}");
  }

  @Test
  void removeIsTypedFromTheOldImage() {
    Object[] row = ORDERS.map(record(Op.REMOVE, null, order()), PROCESSED);
    assertThat(row[0]).isEqualTo("ord-1");
    assertThat(row[4]).isEqualTo("pending");
    assertThat(row[6]).isEqualTo("REMOVE");
  }

  @Test
  void removeWithoutImagesIsTypedFromTheKeys() {
    Object[] row = ORDERS.map(record(Op.REMOVE, null, null), PROCESSED);
    assertThat(row)
        .containsExactly("ord-1", null, null, null, null, null, "REMOVE", EVENT, PROCESSED, "{}");
  }

  @Test
  void badValueNamesTheColumn() {
    Map<String, DynamoValue> item = order();
    item.put("amount", new DynamoValue.S("lots"));
    assertThatThrownBy(() -> ORDERS.map(record(Op.SNAPSHOT, item, null), PROCESSED))
        .isInstanceOf(MappingException.class)
        .hasMessage("column order_amount: expected DynamoDB type N for decimal(10,2), got S");
  }

  @Test
  void requiredColumnMayNotBeNull() {
    SilverMapper statusRequired =
        new SilverMapper(
            TableMapping.parse(
                """
                table: orders
                keys: [order_id]
                columns:
                  - {name: order_id, attribute: order_id, type: string, required: true}
                  - {name: order_status, attribute: status, type: string, required: true}
                """,
                "the test"));
    Map<String, DynamoValue> item = order();
    item.put("status", DynamoValue.Null.INSTANCE);
    assertThatThrownBy(() -> statusRequired.map(record(Op.SNAPSHOT, item, null), PROCESSED))
        .isInstanceOf(MappingException.class)
        .hasMessageContaining("column order_status");
  }

  @Test
  void anImageWithoutItsKeyValueIsAKeyMismatch() {
    Map<String, DynamoValue> item = order();
    item.put("order_id", DynamoValue.Null.INSTANCE);
    assertThatThrownBy(() -> ORDERS.map(record(Op.SNAPSHOT, item, null), PROCESSED))
        .isInstanceOf(KeyMismatchException.class)
        .hasMessage(
            "the new image's key attribute order_id is {\"NULL\":true}, but the change's key is"
                + " {\"S\":\"ord-1\"}");
  }

  @Test
  void declaredEpochFormatReadsEpochSecondsStoredAsStrings() throws URISyntaxException {
    SilverMapper readings =
        new SilverMapper(
            TableMapping.load(
                Path.of(
                    SilverMapperTest.class
                        .getResource("/table-configs/epoch-seconds-in-strings.yaml")
                        .toURI())));
    // 2022-04-19T04:09:52Z (date -u -d @1650341392), in microseconds.
    long april19 = 1_650_341_392_000_000L;
    Map<String, DynamoValue> item = new LinkedHashMap<>();
    item.put("sensor_id", new DynamoValue.S("s-1"));
    item.put("Timestamp", new DynamoValue.S("1650341392"));
    item.put("created_at", new DynamoValue.S("2022-04-19T04:09:52Z"));

    assertThat(readings.map(reading(item), PROCESSED))
        .containsExactly("s-1", april19, april19, "{}");

    item.put("Timestamp", DynamoValue.N.of("1650341392"));
    assertThat(readings.map(reading(item), PROCESSED)[1]).isEqualTo(april19);

    item.put("Timestamp", new DynamoValue.S("2022-04-19T04:09:52Z"));
    assertThatThrownBy(() -> readings.map(reading(item), PROCESSED))
        .isInstanceOf(MappingException.class)
        .hasMessage(
            "column read_at: \"2022-04-19T04:09:52Z\" is not a number,"
                + " as the declared format: epoch_seconds requires");

    item.put("Timestamp", new DynamoValue.S("1650341392"));
    item.put("created_at", new DynamoValue.S("1650341392"));
    assertThatThrownBy(() -> readings.map(reading(item), PROCESSED))
        .hasMessage("column created_at: \"1650341392\" is not an ISO-8601 timestamp");
  }

  private static ChangeRecord reading(Map<String, DynamoValue> item) {
    return new ChangeRecord(
        "readings",
        Op.SNAPSHOT,
        Map.of("sensor_id", item.get("sensor_id")),
        item,
        null,
        EVENT,
        "e-1",
        POS);
  }
}
