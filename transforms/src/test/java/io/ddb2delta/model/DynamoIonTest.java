package io.ddb2delta.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazon.ion.IonReader;
import com.amazon.ion.IonType;
import com.amazon.ion.IonValue;
import com.amazon.ion.IonWriter;
import com.amazon.ion.system.IonTextWriterBuilder;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DynamoIonTest {

  @Test
  void readsTheExportLinesOfTheFixture() throws IOException {
    List<Map<String, DynamoValue>> items = readExport(Fixtures.text("ion/all-types.ion"));

    assertThat(items).hasSize(2);
    assertThat(items.get(0))
        .containsExactly(
            Map.entry("Id", DynamoValue.N.of(103)),
            Map.entry("Authors", DynamoValue.SS.of(List.of("A1", "A2"))),
            Map.entry("Price", DynamoValue.N.of(2000)));

    Map<String, DynamoValue> item = items.get(1);
    assertThat(item.get("order_id")).isEqualTo(new DynamoValue.S("ord-000000001"));
    assertThat(((DynamoValue.N) item.get("amount")).decimal()).isEqualTo(new BigDecimal("12.50"));
    assertThat(item.get("count")).isEqualTo(DynamoValue.N.of(7));
    assertThat(((DynamoValue.B) item.get("photo")).bytes()).containsExactly(0x00, 0x01, 0x02, 0xff);
    assertThat(item.get("gift")).isEqualTo(DynamoValue.Bool.TRUE);
    assertThat(item.get("express")).isEqualTo(DynamoValue.Bool.FALSE);
    assertThat(item.get("coupon")).isEqualTo(DynamoValue.Null.INSTANCE);
    assertThat(item.get("typed_null")).isEqualTo(DynamoValue.Null.INSTANCE);
    assertThat(item.get("address"))
        .isEqualTo(
            new DynamoValue.M(
                Map.of("city", new DynamoValue.S("Oslo"), "zip", DynamoValue.N.of(150))));
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
    assertThat(((DynamoValue.N) item.get("max_digits")).decimal())
        .isEqualTo(new BigDecimal("12345678901234567890123456789012345678"));
    assertThat(((DynamoValue.N) item.get("smallest")).decimal())
        .isEqualTo(new BigDecimal("1E-130"));
    assertThat(((DynamoValue.N) item.get("largest")).decimal())
        .isEqualTo(new BigDecimal("9.9999999999999999999999999999999999999E+125"));
    assertThat(item.get("empty")).isEqualTo(new DynamoValue.S(""));
    assertThat(item.get("unicode")).isEqualTo(new DynamoValue.S("Grüße, 世界 🎉"));
  }

  @Test
  void writesNumbersAsExactDecimalsAndSetsAsAnnotatedLists() throws IOException {
    Map<String, DynamoValue> item = new LinkedHashMap<>();
    item.put("id", DynamoValue.N.of("103"));
    item.put("price", DynamoValue.N.of("5.00"));
    item.put("tiny", DynamoValue.N.of("1E-130"));
    item.put("big", DynamoValue.N.of("12345678901234567890123456789012345678"));
    item.put("photo", DynamoValue.B.of(new byte[] {0, 1, 2, (byte) 0xff}));
    item.put("gift", DynamoValue.Bool.TRUE);
    item.put("coupon", DynamoValue.Null.INSTANCE);
    item.put("address", new DynamoValue.M(Map.of("city", new DynamoValue.S("Oslo"))));
    item.put("lines", new DynamoValue.L(List.of(new DynamoValue.S("a"), DynamoValue.N.of(1))));
    item.put("tags", DynamoValue.SS.of(List.of("A1", "A2")));
    item.put("nums", DynamoValue.NS.of(List.of(DynamoValue.N.of("2.50"), DynamoValue.N.of(-1))));
    item.put("blobs", DynamoValue.BS.of(List.of(DynamoValue.B.of(new byte[] {1}))));

    StringBuilder text = new StringBuilder();
    try (IonWriter writer = IonTextWriterBuilder.standard().build(text)) {
      DynamoIon.writeItem(writer, item);
    }

    // Ion's data model tells 5.00 from 5 and annotated from plain lists, so equality is exact.
    IonValue expected =
        DynamoIon.system()
            .singleValue(
                "{id:103.,price:5.00,tiny:1d-130,big:12345678901234567890123456789012345678.,"
                    + "photo:{{AAEC/w==}},gift:true,coupon:null,address:{city:\"Oslo\"},"
                    + "lines:[\"a\",1.],tags:$dynamodb_SS::[\"A1\",\"A2\"],"
                    + "nums:$dynamodb_NS::[2.50,-1.],blobs:$dynamodb_BS::[{{AQ==}}]}");
    assertThat(DynamoIon.system().singleValue(text.toString())).isEqualTo(expected);
  }

  @Test
  void leavesTheReaderReadyForTheNextItemAfterAFault() throws IOException {
    try (IonReader reader =
        DynamoIon.system().newReader("{a:\"x\", deep:{b:[1., 2e0]}, c:1.} {a:\"next\"}")) {
      reader.next();
      assertThatThrownBy(() -> DynamoIon.readItem(reader))
          .isInstanceOf(InvalidValueException.class)
          .hasMessageStartingWith("attribute \"deep.b[1]\": Ion float");

      assertThat(reader.next()).isEqualTo(IonType.STRUCT);
      assertThat(DynamoIon.readItem(reader))
          .containsExactly(Map.entry("a", new DynamoValue.S("next")));
    }
  }

  @Test
  void keepsThirtyTwoLevelsOfNestingAndRejectsThirtyThree() throws IOException {
    assertThat(readOne(nestedStructs(32))).containsKey("a");

    assertThatThrownBy(() -> readOne(nestedStructs(33)))
        .isInstanceOf(InvalidValueException.class)
        .hasMessage(
            "attribute \""
                + String.join(".", Collections.nCopies(33, "a"))
                + "\": M and L values nest deeper than 32 levels, DynamoDB's limit");
  }

  static Stream<Arguments> invalidItems() {
    return Fixtures.invalidCases("ion/invalid-items.tsv");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("invalidItems")
  void rejectsInvalidItemsNamingThePathAndTheReason(String path, String reason, String ion) {
    assertThatThrownBy(() -> readOne(ion))
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

  private static String nestedStructs(int levels) {
    return "{a:" + "{a:".repeat(levels) + "\"deep\"" + "}".repeat(levels) + "}";
  }

  private static Map<String, DynamoValue> readOne(String ion) throws IOException {
    try (IonReader reader = DynamoIon.system().newReader(ion)) {
      reader.next();
      return DynamoIon.readItem(reader);
    }
  }

  /** The items of an ION export file: top-level structs, each holding one {@code Item}. */
  private static List<Map<String, DynamoValue>> readExport(String text) throws IOException {
    List<Map<String, DynamoValue>> items = new ArrayList<>();
    try (IonReader reader = DynamoIon.system().newReader(text)) {
      while (reader.next() != null) {
        reader.stepIn();
        assertThat(reader.next()).isEqualTo(IonType.STRUCT);
        assertThat(reader.getFieldName()).isEqualTo("Item");
        items.add(DynamoIon.readItem(reader));
        reader.stepOut();
      }
    }
    return items;
  }
}
