package io.ddb2delta.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.model.DynamoValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttributePathTest {
  private static final Map<String, DynamoValue> ITEM =
      Map.of(
          "address",
          new DynamoValue.M(Map.of("city", new DynamoValue.S("Lyon"))),
          "line_items",
          new DynamoValue.L(List.of(new DynamoValue.M(Map.of("sku", new DynamoValue.S("sku-1"))))),
          "order.id",
          new DynamoValue.S("dotted"));

  @Test
  void resolvesNestedMapsAndLists() {
    assertThat(AttributePath.parse("address.city").resolve(ITEM))
        .isEqualTo(new DynamoValue.S("Lyon"));
    assertThat(AttributePath.parse("line_items[0].sku").resolve(ITEM))
        .isEqualTo(new DynamoValue.S("sku-1"));
    assertThat(AttributePath.parse("`order.id`").resolve(ITEM))
        .isEqualTo(new DynamoValue.S("dotted"));
  }

  @Test
  void absentStepsResolveToNull() {
    assertThat(AttributePath.parse("address.zip").resolve(ITEM)).isNull();
    assertThat(AttributePath.parse("line_items[5].sku").resolve(ITEM)).isNull();
    assertThat(AttributePath.parse("address[0]").resolve(ITEM)).isNull();
    assertThat(AttributePath.parse("nothing").resolve(ITEM)).isNull();
  }

  @Test
  void topLevelOnlyForBareNames() {
    assertThat(AttributePath.parse("amount").isTopLevel()).isTrue();
    assertThat(AttributePath.parse("address.city").isTopLevel()).isFalse();
    assertThat(AttributePath.parse("address.city").topLevel()).isEqualTo("address");
  }

  @Test
  void rejectsMalformedPaths() {
    assertThatThrownBy(() -> AttributePath.parse("a.")).hasMessageContaining("ends with a dot");
    assertThatThrownBy(() -> AttributePath.parse("a[x]")).hasMessageContaining("bad list index");
    assertThatThrownBy(() -> AttributePath.parse("`a")).hasMessageContaining("unclosed");
    assertThatThrownBy(() -> AttributePath.parse("[0]")).hasMessageContaining("empty name");
  }
}
