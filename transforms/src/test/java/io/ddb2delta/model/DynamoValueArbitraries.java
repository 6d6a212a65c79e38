package io.ddb2delta.model;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of valid DynamoDB values: all ten types, nesting, empty and non-ASCII strings, NULL,
 * DynamoDB's number limits and random bytes. Every generated value is one DynamoDB would store.
 */
public final class DynamoValueArbitraries {

  /** Number texts at DynamoDB's limits, written out by hand from its documented rules. */
  static final List<String> EDGE_NUMBERS =
      List.of(
          "12345678901234567890123456789012345678",
          "-12345678901234567890123456789012345678",
          "99999999999999999999999999999999999999",
          "0.00000000000000000000000000000000000001",
          "1E-130",
          "-1E-130",
          "1.0000000000000000000000000000000000001E-130",
          "9.9999999999999999999999999999999999999E+125",
          "-9.9999999999999999999999999999999999999E+125",
          "1E+125",
          "0",
          "-0",
          "0.0",
          "0.00",
          "0E+10",
          "-1",
          "-0.5",
          "5.00",
          "2000.00",
          "1.5e3");

  private DynamoValueArbitraries() {}

  public static Arbitrary<Map<String, DynamoValue>> items() {
    return Arbitraries.maps(attributeNames(), values(3)).ofMaxSize(6);
  }

  /** Values nesting M and L up to {@code depth} levels. */
  public static Arbitrary<DynamoValue> values(int depth) {
    if (depth == 0) {
      return scalarsAndSets();
    }
    return Arbitraries.frequencyOf(
        Tuple.of(6, scalarsAndSets()),
        Tuple.of(1, Arbitraries.lazy(() -> maps(depth - 1))),
        Tuple.of(1, Arbitraries.lazy(() -> lists(depth - 1))));
  }

  static Arbitrary<DynamoValue> scalarsAndSets() {
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

  static Arbitrary<DynamoValue> maps(int depth) {
    return Arbitraries.maps(attributeNames(), values(depth)).ofMaxSize(4).map(DynamoValue.M::new);
  }

  static Arbitrary<DynamoValue> lists(int depth) {
    return values(depth).list().ofMaxSize(4).map(DynamoValue.L::new);
  }

  static Arbitrary<String> attributeNames() {
    return Arbitraries.oneOf(
        Arbitraries.strings().alpha().numeric().withChars("_-.#:").ofMinLength(1).ofMaxLength(10),
        Arbitraries.of("naïve", "日付", "with space", "quote\"d"));
  }

  /** Strings of valid Unicode: DynamoDB stores UTF-8, so lone surrogates never occur. */
  static Arbitrary<String> strings() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withCharRange('\u0000', '\u007f').ofMaxLength(12),
        Arbitraries.strings().withCharRange('\u00a0', '\ud7ff').ofMaxLength(8),
        Arbitraries.of("", "🎉 party", "naïve café", "日本語", "\"q\" \\ /", "tab\tnew\nline"));
  }

  static Arbitrary<DynamoValue.N> numbers() {
    return Arbitraries.oneOf(
            Arbitraries.of(EDGE_NUMBERS),
            Arbitraries.longs().map(String::valueOf),
            Arbitraries.bigDecimals()
                .between(new BigDecimal("-100000"), new BigDecimal("100000"))
                .ofScale(2)
                .map(BigDecimal::toPlainString),
            scientificNumbers())
        .map(DynamoValue.N::of);
  }

  /**
   * {@code d.ddd...E<exp>} with a non-zero leading digit, at most 38 digits and an exponent from
   * -130 to 125, which by construction stays inside DynamoDB's range.
   */
  static Arbitrary<String> scientificNumbers() {
    return Combinators.combine(
            Arbitraries.of("", "-"),
            Arbitraries.integers().between(1, 9),
            Arbitraries.strings().numeric().ofMaxLength(37),
            Arbitraries.integers().between(-130, 125))
        .as(
            (sign, lead, rest, exponent) ->
                sign + lead + (rest.isEmpty() ? "" : "." + rest) + "E" + exponent);
  }

  static Arbitrary<DynamoValue.B> binaries() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(32).map(DynamoValue.B::of);
  }
}
