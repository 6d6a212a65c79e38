package io.ddb2delta.pipelines.cdc;

import io.ddb2delta.model.DynamoValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * Generators of valid DynamoDB values of all ten types, nested, with DynamoDB's edge numbers. A
 * smaller copy of the transforms module's test generators, which are not visible from here.
 */
final class DynamoValueArbitraries {
  private static final List<String> EDGE_NUMBERS =
      List.of(
          "12345678901234567890123456789012345678",
          "-99999999999999999999999999999999999999",
          "1E-130",
          "9.9999999999999999999999999999999999999E+125",
          "0",
          "-0.5",
          "5.00",
          "1.5e3");

  private DynamoValueArbitraries() {}

  static Arbitrary<Map<String, DynamoValue>> items() {
    return Arbitraries.maps(names(), values(3)).ofMaxSize(6);
  }

  static Arbitrary<DynamoValue> values(int depth) {
    if (depth == 0) {
      return scalarsAndSets();
    }
    return Arbitraries.frequencyOf(
        Tuple.of(6, scalarsAndSets()),
        Tuple.of(
            1,
            Arbitraries.lazy(
                () ->
                    Arbitraries.maps(names(), values(depth - 1))
                        .ofMaxSize(4)
                        .map(DynamoValue.M::new))),
        Tuple.of(
            1,
            Arbitraries.lazy(() -> values(depth - 1).list().ofMaxSize(4).map(DynamoValue.L::new))));
  }

  private static Arbitrary<DynamoValue> scalarsAndSets() {
    return Arbitraries.oneOf(
        strings().map(DynamoValue.S::new),
        numbers(),
        binaries(),
        Arbitraries.of(DynamoValue.Bool.TRUE, DynamoValue.Bool.FALSE),
        Arbitraries.just(DynamoValue.Null.INSTANCE),
        strings().set().ofMinSize(1).ofMaxSize(5).map(s -> DynamoValue.SS.of(new ArrayList<>(s))),
        numbers().list().ofMinSize(1).ofMaxSize(5).uniqueElements().map(DynamoValue.NS::of),
        binaries().list().ofMinSize(1).ofMaxSize(4).uniqueElements().map(DynamoValue.BS::of));
  }

  private static Arbitrary<String> names() {
    return Arbitraries.oneOf(
        Arbitraries.strings().alpha().numeric().withChars("_-.#:").ofMinLength(1).ofMaxLength(10),
        Arbitraries.of("naïve", "日付", "with space", "quote\"d"));
  }

  private static Arbitrary<String> strings() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withCharRange('\u0000', '\u007f').ofMaxLength(12),
        Arbitraries.strings().withCharRange('\u00a0', '\ud7ff').ofMaxLength(8),
        Arbitraries.of("", "🎉 party", "tab\tnew\nline"));
  }

  private static Arbitrary<DynamoValue.N> numbers() {
    return Arbitraries.oneOf(
            Arbitraries.of(EDGE_NUMBERS),
            Arbitraries.longs().map(String::valueOf),
            Arbitraries.bigDecimals()
                .between(new BigDecimal("-100000"), new BigDecimal("100000"))
                .ofScale(3)
                .map(BigDecimal::toPlainString))
        .map(DynamoValue.N::of);
  }

  private static Arbitrary<DynamoValue.B> binaries() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(32).map(DynamoValue.B::of);
  }
}
