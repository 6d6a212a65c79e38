package io.ddb2delta.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.model.DynamoValueArbitraries;
import io.ddb2delta.model.InvalidValueException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class SdkAttributeValuesTest {
  private static final SdkBytes ONE_TWO_THREE = SdkBytes.fromByteArray(new byte[] {1, 2, 3});

  /** Each of the ten types, as the SDK holds it and as the model does. */
  private static final Object[][] PAIRS = {
    {AttributeValue.fromS("Köln"), new DynamoValue.S("Köln")},
    {AttributeValue.fromS(""), new DynamoValue.S("")},
    {AttributeValue.fromN("-1.50E+2"), DynamoValue.N.of("-1.50E+2")},
    {AttributeValue.fromB(ONE_TWO_THREE), DynamoValue.B.of(new byte[] {1, 2, 3})},
    {AttributeValue.fromBool(false), DynamoValue.Bool.FALSE},
    {AttributeValue.fromNul(true), DynamoValue.Null.INSTANCE},
    {
      AttributeValue.fromM(Map.of("zip", AttributeValue.fromN("50667"))),
      new DynamoValue.M(Map.of("zip", DynamoValue.N.of("50667")))
    },
    {
      AttributeValue.fromL(List.of(AttributeValue.fromS("a"), AttributeValue.fromL(List.of()))),
      new DynamoValue.L(List.of(new DynamoValue.S("a"), new DynamoValue.L(List.of())))
    },
    {AttributeValue.fromSs(List.of("x", "y")), DynamoValue.SS.of(List.of("x", "y"))},
    {
      AttributeValue.fromNs(List.of("1", "2.5")),
      DynamoValue.NS.of(List.of(DynamoValue.N.of("1"), DynamoValue.N.of("2.5")))
    },
    {
      AttributeValue.fromBs(List.of(ONE_TWO_THREE, SdkBytes.fromByteArray(new byte[0]))),
      DynamoValue.BS.of(
          List.of(DynamoValue.B.of(new byte[] {1, 2, 3}), DynamoValue.B.of(new byte[0])))
    },
  };

  @Test
  void everyTypeMapsToItsTwinBothWays() {
    for (Object[] pair : PAIRS) {
      AttributeValue sdk = (AttributeValue) pair[0];
      DynamoValue model = (DynamoValue) pair[1];

      assertThat(SdkAttributeValues.toValue(sdk)).as("%s", sdk).isEqualTo(model);
      assertThat(SdkAttributeValues.toSdk(model)).as("%s", model).isEqualTo(sdk);
    }
  }

  @Test
  void numbersKeepTheirTextThroughTheSdk() {
    assertThat(SdkAttributeValues.toSdk(DynamoValue.N.of("1.50E+2")).n()).isEqualTo("1.50E+2");
    assertThat(((DynamoValue.N) SdkAttributeValues.toValue(AttributeValue.fromN("007"))).text())
        .isEqualTo("007");
  }

  @Test
  void itemsKeepAttributeOrderBothWays() {
    Map<String, AttributeValue> sdk = new LinkedHashMap<>();
    for (String name : List.of("z", "a", "m")) {
      sdk.put(name, AttributeValue.fromS(name));
    }

    Map<String, DynamoValue> item = SdkAttributeValues.toItem(sdk);

    assertThat(item.keySet()).containsExactly("z", "a", "m");
    assertThat(SdkAttributeValues.toSdkItem(item).keySet()).containsExactly("z", "a", "m");
  }

  @Test
  void sdkValuesObeyDynamoDbsRulesAndFaultsNameTheirPath() {
    assertFault(AttributeValue.fromN("123456789012345678901234567890123456789"), "\"v\"");
    assertFault(AttributeValue.fromSs(List.of()), "\"v\": SS set is empty");
    assertFault(AttributeValue.fromSs(List.of("a", "a")), "duplicate");
    assertFault(AttributeValue.fromNs(List.of("1", "1.0")), "duplicate");
    assertFault(AttributeValue.fromNs(List.of("1", "x")), "NS member 1");
    assertFault(AttributeValue.fromNul(false), "NULL must be true");
    assertFault(AttributeValue.builder().build(), "no type set");
    assertFault(AttributeValue.builder().s("x").n("1").build(), "more than one type");
    assertFault(AttributeValue.fromSs(Arrays.asList("a", null)), "SS member 1 is null");
    assertFault(
        AttributeValue.fromM(
            Map.of(
                "items",
                AttributeValue.fromL(
                    List.of(
                        AttributeValue.fromS("ok"),
                        AttributeValue.fromM(Map.of("price", AttributeValue.fromN("1e999"))))))),
        "attribute \"v.items[1].price\"");
  }

  @Test
  void nestingStopsAtDynamoDbsThirtyTwoLevels() {
    AttributeValue deepest = AttributeValue.fromS("leaf");
    for (int i = 0; i < 32; i++) {
      deepest = AttributeValue.fromL(List.of(deepest));
    }
    AttributeValue tooDeep = AttributeValue.fromL(List.of(deepest));

    assertThat(SdkAttributeValues.toItem(Map.of("v", deepest))).containsKey("v");
    assertFault(tooDeep, "nest deeper than 32 levels");
  }

  @Test
  void theCallersMapsAreLeftAsTheyWere() {
    List<String> members = new ArrayList<>(List.of("b", "a"));
    Map<String, AttributeValue> sdk = new LinkedHashMap<>();
    sdk.put("tags", AttributeValue.fromSs(members));

    SdkAttributeValues.toItem(sdk);

    assertThat(members).containsExactly("b", "a");
    assertThat(sdk).containsOnlyKeys("tags");
  }

  @Property(tries = 300)
  void anyValueSurvivesTheTripThroughTheSdk(@ForAll("items") Map<String, DynamoValue> item) {
    assertThat(SdkAttributeValues.toItem(SdkAttributeValues.toSdkItem(item))).isEqualTo(item);
  }

  @Provide
  Arbitrary<Map<String, DynamoValue>> items() {
    return DynamoValueArbitraries.items();
  }

  private static void assertFault(AttributeValue value, String reason) {
    assertThatThrownBy(() -> SdkAttributeValues.toItem(Map.of("v", value)))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining(reason);
  }
}
