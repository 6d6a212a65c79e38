package io.ddb2delta.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaType;
import io.ddb2delta.model.DynamoValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code evolve:} option, the inferred column types and how evolved columns are filled. */
class SchemaEvolutionTest {
  private static final String YAML =
      """
      table: orders
      keys: [order_id]
      %s
      columns:
        - {name: order_id, attribute: order_id, type: string, required: true}
        - {name: order_status, attribute: status, type: string}
        - {name: city, attribute: address.city, type: string}
      """;

  private static final TableMapping EVOLVING =
      TableMapping.parse(YAML.formatted("evolve: true"), "t");

  @Test
  void evolveIsReadFromTheMappingAndIsOffUnlessSaid() {
    assertThat(EVOLVING.evolve()).isTrue();
    assertThat(TableMapping.parse(YAML.formatted("evolve: false"), "t").evolve()).isFalse();
    assertThat(TableMapping.parse(YAML.formatted(""), "t").evolve()).isFalse();
    for (String table : TableMapping.SHIPPED) {
      assertThat(TableMapping.shipped(table).evolve()).as(table).isFalse();
    }
    assertThatThrownBy(() -> TableMapping.parse(YAML.formatted("evolve: sometimes"), "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid table mapping t");
  }

  @Test
  void theTypeOfANewColumnFollowsTheDynamoDbType() {
    assertThat(SchemaEvolution.inferredType(new DynamoValue.S("x"))).isEqualTo(DeltaType.STRING);
    assertThat(SchemaEvolution.inferredType(DynamoValue.N.of("1.50"))).isEqualTo(DeltaType.STRING);
    assertThat(SchemaEvolution.inferredType(DynamoValue.Bool.TRUE)).isEqualTo(DeltaType.BOOLEAN);
    assertThat(SchemaEvolution.inferredType(DynamoValue.B.of(new byte[] {1})))
        .isEqualTo(DeltaType.BINARY);
    assertThat(SchemaEvolution.inferredType(new DynamoValue.M(Map.of())))
        .isEqualTo(DeltaType.STRING);
    assertThat(SchemaEvolution.inferredType(new DynamoValue.L(List.of())))
        .isEqualTo(DeltaType.STRING);
    assertThat(SchemaEvolution.inferredType(DynamoValue.SS.of(List.of("a"))))
        .isEqualTo(DeltaType.STRING);
    assertThat(SchemaEvolution.inferredType(DynamoValue.Null.INSTANCE)).isNull();
  }

  @Test
  void valuesFillTheirColumnByTheirOwnTypeAndAnotherTypeNamesTheColumn() {
    assertThat(SchemaEvolution.value("c", new DynamoValue.S("x"), DeltaType.STRING)).isEqualTo("x");
    assertThat(
            SchemaEvolution.value(
                "c", DynamoValue.N.of("12345678901234567890123456789012345678"), DeltaType.STRING))
        .isEqualTo("12345678901234567890123456789012345678");
    assertThat(SchemaEvolution.value("c", DynamoValue.N.of("1.50"), DeltaType.STRING))
        .isEqualTo("1.50");
    assertThat(
            SchemaEvolution.value(
                "c", new DynamoValue.L(List.of(new DynamoValue.S("a"))), DeltaType.STRING))
        .isEqualTo("{\"L\":[{\"S\":\"a\"}]}");
    assertThat(SchemaEvolution.value("c", DynamoValue.Bool.FALSE, DeltaType.BOOLEAN))
        .isEqualTo(false);
    assertThat(SchemaEvolution.value("c", DynamoValue.B.of(new byte[] {7}), DeltaType.BINARY))
        .isEqualTo(new byte[] {7});

    assertThatThrownBy(
            () -> SchemaEvolution.value("flag", new DynamoValue.S("yes"), DeltaType.BOOLEAN))
        .isInstanceOf(MappingException.class)
        .hasMessageStartingWith("column flag: ")
        .hasMessageContaining("got S");
    assertThatThrownBy(() -> SchemaEvolution.value("note", DynamoValue.Bool.TRUE, DeltaType.STRING))
        .isInstanceOf(MappingException.class)
        .hasMessageStartingWith("column note: ")
        .hasMessageContaining("got BOOL");
  }

  @Test
  void aRecordProposesItsNewValidUnclashingAttributesWithTheirTypes() {
    Map<String, DynamoValue> image = new LinkedHashMap<>();
    image.put("order_id", new DynamoValue.S("o-1"));
    image.put("status", new DynamoValue.S("paid"));
    image.put("gift", DynamoValue.Bool.TRUE);
    image.put("qty", DynamoValue.N.of("3"));
    image.put("address", new DynamoValue.M(Map.of("city", new DynamoValue.S("Oslo"))));
    image.put("_secret", new DynamoValue.S("s"));
    image.put("has space", new DynamoValue.S("s"));
    image.put("9lives", new DynamoValue.S("s"));
    image.put("ORDER_STATUS", new DynamoValue.S("clash"));
    image.put("coupon", DynamoValue.Null.INSTANCE);
    Map<String, DeltaType> proposed = new LinkedHashMap<>();

    new SilverMapper(EVOLVING).proposeColumns(image, proposed::put);

    assertThat(proposed)
        .containsExactly(
            Map.entry("gift", DeltaType.BOOLEAN),
            Map.entry("qty", DeltaType.STRING),
            Map.entry("address", DeltaType.STRING));

    Map<String, DeltaType> none = new LinkedHashMap<>();
    new SilverMapper(TableMapping.parse(YAML.formatted(""), "t")).proposeColumns(image, none::put);
    assertThat(none).isEmpty();
  }

  @Test
  void evolvedColumnsComeAfterAttributesAndTheirAttributesLeaveIt() {
    SilverMapper mapper =
        new SilverMapper(
            EVOLVING,
            List.of(
                DeltaColumn.of("gift", DeltaType.BOOLEAN),
                DeltaColumn.of("qty", DeltaType.STRING)));
    Map<String, DynamoValue> image = new LinkedHashMap<>();
    image.put("order_id", new DynamoValue.S("o-1"));
    image.put("qty", DynamoValue.N.of("3.0"));
    image.put("note", new DynamoValue.S("n"));
    ChangeRecord record =
        new ChangeRecord(
            "orders",
            Op.INSERT,
            Map.of("order_id", new DynamoValue.S("o-1")),
            image,
            null,
            1L,
            "e-1",
            SourcePosition.exportLine("x", "f", 1));

    assertThat(mapper.schema().columns())
        .extracting(DeltaColumn::name)
        .containsExactly("order_id", "order_status", "city", "_attributes", "gift", "qty");
    assertThat(mapper.map(record, 2L))
        .containsExactly("o-1", null, null, "{\"note\":{\"S\":\"n\"}}", null, "3.0");

    Map<String, DynamoValue> notBoolean = new LinkedHashMap<>(image);
    notBoolean.put("gift", DynamoValue.N.of("1"));
    assertThatThrownBy(
            () ->
                mapper.map(
                    new ChangeRecord(
                        "orders",
                        Op.INSERT,
                        record.keys(),
                        notBoolean,
                        null,
                        1L,
                        "e-2",
                        record.position()),
                    2L))
        .isInstanceOf(MappingException.class)
        .hasMessageStartingWith("column gift: ");
  }
}
