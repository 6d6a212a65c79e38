package io.ddb2delta.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DynamoValueTest {

  @Test
  void numbersAreEqualByValueNotByText() {
    assertThat(DynamoValue.N.of("1")).isEqualTo(DynamoValue.N.of("1.0"));
    assertThat(DynamoValue.N.of("1").hashCode()).isEqualTo(DynamoValue.N.of("1.00").hashCode());
    assertThat(DynamoValue.N.of("0")).isEqualTo(DynamoValue.N.of("-0.000"));
    assertThat(DynamoValue.N.of("1")).isNotEqualTo(DynamoValue.N.of("1.0000001"));
  }

  @Test
  void numberSetsCompareMembersByValue() {
    DynamoValue.NS ints = DynamoValue.NS.of(List.of(DynamoValue.N.of("1"), DynamoValue.N.of("2")));
    DynamoValue.NS decimals =
        DynamoValue.NS.of(List.of(DynamoValue.N.of("2.00"), DynamoValue.N.of("1.0")));

    assertThat(ints).isEqualTo(decimals);
    assertThat(ints.hashCode()).isEqualTo(decimals.hashCode());
  }

  @Test
  void stringSetsIgnoreOrderButListsDoNot() {
    assertThat(DynamoValue.SS.of(List.of("a", "b")))
        .isEqualTo(DynamoValue.SS.of(List.of("b", "a")));

    DynamoValue.L ab = new DynamoValue.L(List.of(new DynamoValue.S("a"), new DynamoValue.S("b")));
    DynamoValue.L ba = new DynamoValue.L(List.of(new DynamoValue.S("b"), new DynamoValue.S("a")));
    assertThat(ab).isNotEqualTo(ba);
  }

  @Test
  void aSetIsNeverEqualToAListOfTheSameMembers() {
    assertThat((DynamoValue) DynamoValue.SS.of(List.of("a")))
        .isNotEqualTo(new DynamoValue.L(List.of(new DynamoValue.S("a"))));
  }

  @Test
  void nullIsAValueDistinctFromAnAbsentAttribute() {
    Map<String, DynamoValue> withNull = new LinkedHashMap<>();
    withNull.put("id", new DynamoValue.S("1"));
    withNull.put("coupon", DynamoValue.Null.INSTANCE);
    Map<String, DynamoValue> without = Map.of("id", new DynamoValue.S("1"));

    assertThat(new DynamoValue.M(withNull)).isNotEqualTo(new DynamoValue.M(without));
    assertThat(withNull).containsKey("coupon");
    assertThat(new DynamoValue.Null()).isEqualTo(DynamoValue.Null.INSTANCE);
  }

  @Test
  void mapsAreEqualWhateverTheirAttributeOrder() {
    Map<String, DynamoValue> ab = new LinkedHashMap<>();
    ab.put("a", DynamoValue.N.of(1));
    ab.put("b", DynamoValue.N.of(2));
    Map<String, DynamoValue> ba = new LinkedHashMap<>();
    ba.put("b", DynamoValue.N.of("2.0"));
    ba.put("a", DynamoValue.N.of("1"));

    assertThat(new DynamoValue.M(ab)).isEqualTo(new DynamoValue.M(ba));
  }

  @Test
  void binariesCompareByContentAndStayImmutable() {
    byte[] bytes = {1, 2, 3};
    DynamoValue.B b = DynamoValue.B.of(bytes);
    bytes[0] = 9;
    b.bytes()[1] = 9;

    assertThat(b).isEqualTo(DynamoValue.B.ofBase64("AQID"));
  }
}
