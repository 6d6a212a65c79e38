package io.ddb2delta.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DynamoJsonTest {

  @Test
  void readsEveryType() {
    Map<String, DynamoValue> item =
        DynamoJson.parseItem(Fixtures.lines("dynamodb-json/all-types.jsonl").get(0));

    assertThat(item.keySet())
        .containsExactly(
            "order_id",
            "amount",
            "photo",
            "gift",
            "express",
            "coupon",
            "address",
            "line_items",
            "tags",
            "ratings",
            "thumbs");
    assertThat(item.get("order_id")).isEqualTo(new DynamoValue.S("ord-000000001"));
    assertThat(item.get("amount")).isEqualTo(DynamoValue.N.of("12.50"));
    assertThat(((DynamoValue.B) item.get("photo")).bytes()).containsExactly(0x00, 0x01, 0x02, 0xff);
    assertThat(item.get("gift")).isEqualTo(DynamoValue.Bool.TRUE);
    assertThat(item.get("express")).isEqualTo(DynamoValue.Bool.FALSE);
    assertThat(item.get("coupon")).isEqualTo(DynamoValue.Null.INSTANCE);
    assertThat(item.get("address"))
        .isEqualTo(
            new DynamoValue.M(
                ordered("city", new DynamoValue.S("Oslo"), "zip", DynamoValue.N.of(150))));
    assertThat(item.get("line_items"))
        .isEqualTo(
            new DynamoValue.L(
                List.of(
                    new DynamoValue.M(Map.of("sku", new DynamoValue.S("A-1"))),
                    DynamoValue.N.of(3),
                    DynamoValue.SS.of(List.of("x")),
                    DynamoValue.Null.INSTANCE)));
    assertThat(item.get("tags")).isEqualTo(DynamoValue.SS.of(List.of("gift", "rush")));
    assertThat(item.get("ratings"))
        .isEqualTo(
            DynamoValue.NS.of(
                List.of(DynamoValue.N.of("4.5"), DynamoValue.N.of(5), DynamoValue.N.of(-1))));
    assertThat(item.get("thumbs"))
        .isEqualTo(
            DynamoValue.BS.of(
                List.of(DynamoValue.B.of(new byte[] {1}), DynamoValue.B.of(new byte[] {2}))));
  }

  @Test
  void readsEmptyUnicodeAndEscapedStrings() {
    Map<String, DynamoValue> item =
        DynamoJson.parseItem(Fixtures.lines("dynamodb-json/strings.jsonl").get(0));

    assertThat(item)
        .containsExactly(
            Map.entry("empty", new DynamoValue.S("")),
            Map.entry("unicode", new DynamoValue.S("Grüße, 世界 🎉")),
            Map.entry("escaped", new DynamoValue.S("line\nbreak \"quoted\" \\ é")));
  }

  @Test
  void readsNumbersAtDynamoDbsLimitsExactly() {
    Map<String, DynamoValue> item =
        DynamoJson.parseItem(Fixtures.lines("dynamodb-json/number-limits.jsonl").get(0));

    assertNumber(item, "max_digits", "12345678901234567890123456789012345678");
    assertNumber(item, "neg_max_digits", "-12345678901234567890123456789012345678");
    assertNumber(item, "smallest", "1E-130");
    assertNumber(item, "neg_smallest", "-1E-130");
    assertNumber(item, "largest", "9.9999999999999999999999999999999999999E+125");
    assertNumber(item, "neg_largest", "-9.9999999999999999999999999999999999999E+125");
    assertNumber(item, "zero", "0");
    assertNumber(item, "neg_zero", "-0");
    assertNumber(item, "zero_scaled", "0.000");
    assertNumber(item, "json_number", "12.50");
    assertNumber(item, "json_int", "-7");
    assertThat(((DynamoValue.N) item.get("zero")).decimal()).isZero();
    assertThat(((DynamoValue.N) item.get("neg_zero")).decimal()).isZero();
  }

  @Test
  void writesTheExactDynamoDbJsonForm() {
    Map<String, DynamoValue> item = new LinkedHashMap<>();
    item.put("id", DynamoValue.N.of("103"));
    item.put("price", DynamoValue.N.of("5.00"));
    item.put("tiny", DynamoValue.N.of("1E-130"));
    item.put("name", new DynamoValue.S("Grüße \"x\""));
    item.put("photo", DynamoValue.B.of(new byte[] {0, 1, 2, (byte) 0xff}));
    item.put("gift", DynamoValue.Bool.FALSE);
    item.put("coupon", DynamoValue.Null.INSTANCE);
    item.put("address", new DynamoValue.M(Map.of("city", new DynamoValue.S("Oslo"))));
    item.put("lines", new DynamoValue.L(List.of(DynamoValue.N.of(1), DynamoValue.Null.INSTANCE)));
    item.put("tags", DynamoValue.SS.of(List.of("b", "a")));
    item.put("nums", DynamoValue.NS.of(List.of(DynamoValue.N.of("2.5"), DynamoValue.N.of(-1))));
    item.put("blobs", DynamoValue.BS.of(List.of(DynamoValue.B.of(new byte[] {(byte) 0xfb}))));

    assertThat(DynamoJson.writeItem(item))
        .isEqualTo(
            "{\"id\":{\"N\":\"103\"},\"price\":{\"N\":\"5.00\"},\"tiny\":{\"N\":\"1E-130\"},"
                + "\"name\":{\"S\":\"Grüße \\\"x\\\"\"},\"photo\":{\"B\":\"AAEC/w==\"},"
                + "\"gift\":{\"BOOL\":false},\"coupon\":{\"NULL\":true},"
                + "\"address\":{\"M\":{\"city\":{\"S\":\"Oslo\"}}},"
                + "\"lines\":{\"L\":[{\"N\":\"1\"},{\"NULL\":true}]},"
                + "\"tags\":{\"SS\":[\"b\",\"a\"]},\"nums\":{\"NS\":[\"2.5\",\"-1\"]},"
                + "\"blobs\":{\"BS\":[\"+w==\"]}}");
    assertThat(DynamoJson.writeValue(DynamoValue.N.of("12.50"))).isEqualTo("{\"N\":\"12.50\"}");
  }

  @Test
  void readItemStopsAtTheItemsEndObject() throws IOException {
    String line =
        "{\"Item\":{\"id\":{\"S\":\"a\"},\"m\":{\"M\":{\"x\":{\"N\":\"1\"}}}},\"After\":1}";
    try (JsonParser parser = DynamoJson.factory().createParser(line)) {
      assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
      assertThat(parser.nextFieldName()).isEqualTo("Item");
      parser.nextToken();

      Map<String, DynamoValue> item = DynamoJson.readItem(parser);

      assertThat(item).containsOnlyKeys("id", "m");
      assertThat(parser.currentToken()).isEqualTo(JsonToken.END_OBJECT);
      assertThat(parser.nextFieldName()).isEqualTo("After");
    }
  }

  @Test
  void keepsThirtyTwoLevelsOfNesting() {
    Map<String, DynamoValue> item = DynamoJson.parseItem(nestedMaps(32));

    DynamoValue value = item.get("a");
    int levels = 0;
    while (value instanceof DynamoValue.M m) {
      levels++;
      value = m.value().get("a");
    }
    assertThat(levels).isEqualTo(32);
    assertThat(value).isEqualTo(new DynamoValue.S("deep"));
  }

  @Test
  void rejectsMapsNestedThirtyThreeLevels() {
    assertThatThrownBy(() -> DynamoJson.parseItem(nestedMaps(33)))
        .isInstanceOf(InvalidValueException.class)
        .hasMessage(
            "attribute \""
                + String.join(".", Collections.nCopies(33, "a"))
                + "\": M and L values nest deeper than 32 levels, DynamoDB's limit");
  }

  @Test
  void keepsThirtyTwoLevelsOfListsAndRejectsThirtyThree() {
    assertThat(DynamoJson.parseItem(nestedLists(32))).containsKey("a");

    assertThatThrownBy(() -> DynamoJson.parseItem(nestedLists(33)))
        .isInstanceOf(InvalidValueException.class)
        .hasMessage(
            "attribute \"a"
                + "[0]".repeat(32)
                + "\": M and L values nest deeper than 32 levels, DynamoDB's limit");
  }

  static Stream<Arguments> invalidItems() {
    return Fixtures.invalidCases("dynamodb-json/invalid-items.tsv");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("invalidItems")
  void rejectsInvalidItemsNamingThePathAndTheReason(String path, String reason, String json) {
    assertThatThrownBy(() -> DynamoJson.parseItem(json))
        .isInstanceOf(InvalidValueException.class)
        .satisfies(
            e -> {
              if (path.equals("-")) {
                assertThat(e.getMessage()).doesNotStartWith("attribute ");
              } else {
                assertThat(e.getMessage()).startsWith("attribute \"" + path + "\": ");
              }
            })
        .hasMessageContaining(reason);
  }

  private static String nestedMaps(int levels) {
    return "{\"a\":"
        + "{\"M\":{\"a\":".repeat(levels)
        + "{\"S\":\"deep\"}"
        + "}}".repeat(levels)
        + "}";
  }

  private static String nestedLists(int levels) {
    return "{\"a\":" + "{\"L\":[".repeat(levels) + "{\"S\":\"deep\"}" + "]}".repeat(levels) + "}";
  }

  private static void assertNumber(Map<String, DynamoValue> item, String name, String text) {
    DynamoValue.N n = (DynamoValue.N) item.get(name);
    assertThat(n.text()).as(name + " text").isEqualTo(text);
    assertThat(n.decimal()).as(name + " value").isEqualByComparingTo(new BigDecimal(text));
  }

  private static Map<String, DynamoValue> ordered(
      String k1, DynamoValue v1, String k2, DynamoValue v2) {
    Map<String, DynamoValue> map = new LinkedHashMap<>();
    map.put(k1, v1);
    map.put(k2, v2);
    return map;
  }
}
