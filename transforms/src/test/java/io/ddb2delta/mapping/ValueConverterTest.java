package io.ddb2delta.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.delta.DeltaType;
import io.ddb2delta.mapping.ColumnMapping.TimestampFormat;
import io.ddb2delta.model.DynamoValue;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValueConverterTest {
  private static final DeltaType DEC_10_2 = DeltaType.parse("decimal(10,2)");

  // 2022-04-19T04:09:52Z (date -u -d @1650341392), in microseconds.
  private static final long APRIL_19 = 1_650_341_392_000_000L;

  /** Converts for a column that declares no timestamp format. */
  private static Object convert(DynamoValue v, DeltaType t) {
    return ValueConverter.convert("c", v, t, null);
  }

  private static Object timestamp(DynamoValue v, TimestampFormat declared) {
    return ValueConverter.convert("c", v, DeltaType.TIMESTAMP, declared);
  }

  @Test
  void decimalRoundsHalfUpLikeSparkCast() {
    assertThat(convert(DynamoValue.N.of("12.345"), DEC_10_2)).isEqualTo(new BigDecimal("12.35"));
    assertThat(convert(DynamoValue.N.of("12.344"), DEC_10_2)).isEqualTo(new BigDecimal("12.34"));
    assertThat(convert(DynamoValue.N.of("-12.345"), DEC_10_2)).isEqualTo(new BigDecimal("-12.35"));
    assertThat(convert(DynamoValue.N.of("7"), DEC_10_2)).isEqualTo(new BigDecimal("7.00"));
  }

  @Test
  void decimalOverflowNamesTheColumn() {
    assertThatThrownBy(() -> convert(DynamoValue.N.of("123456789.00"), DEC_10_2))
        .isInstanceOf(MappingException.class)
        .hasMessage(
            "column c: value 123456789.00 does not fit decimal(10,2) (at most 8 integer digits)");
    // Rounding up can overflow too: 99999999.995 rounds to 100000000.00.
    assertThatThrownBy(() -> convert(DynamoValue.N.of("99999999.995"), DEC_10_2))
        .isInstanceOf(MappingException.class);
    assertThat(convert(DynamoValue.N.of("99999999.994"), DEC_10_2))
        .isEqualTo(new BigDecimal("99999999.99"));
  }

  @Test
  void longsMustBeIntegralAndInRange() {
    assertThat(convert(DynamoValue.N.of("9223372036854775807"), DeltaType.LONG))
        .isEqualTo(Long.MAX_VALUE);
    assertThat(convert(DynamoValue.N.of("4.000"), DeltaType.LONG)).isEqualTo(4L);
    assertThatThrownBy(() -> convert(DynamoValue.N.of("9223372036854775808"), DeltaType.LONG))
        .hasMessageContaining("is outside");
    assertThatThrownBy(() -> convert(DynamoValue.N.of("1.5"), DeltaType.LONG))
        .hasMessageContaining("is not an integer");
    assertThatThrownBy(() -> convert(DynamoValue.N.of("2147483648"), DeltaType.INT))
        .hasMessageContaining("is outside");
  }

  @Test
  void timestampsFromIsoTextAndEpochNumbers() {
    // 2024-03-01T12:34:56Z is 1709296496 seconds after the epoch.
    long base = 1_709_296_496L * 1_000_000L;
    assertThat(convert(new DynamoValue.S("2024-03-01T12:34:56.789123Z"), DeltaType.TIMESTAMP))
        .isEqualTo(base + 789_123L);
    assertThat(convert(new DynamoValue.S("2024-03-01T13:34:56+01:00"), DeltaType.TIMESTAMP))
        .isEqualTo(base);
    assertThat(convert(new DynamoValue.S("2024-03-01T12:34:56"), DeltaType.TIMESTAMP))
        .isEqualTo(base);
    assertThat(convert(new DynamoValue.S("2024-03-01"), DeltaType.TIMESTAMP))
        .isEqualTo((base / 86_400_000_000L) * 86_400_000_000L);
    assertThat(convert(DynamoValue.N.of("1709296496"), DeltaType.TIMESTAMP)).isEqualTo(base);
    assertThat(
            ValueConverter.convert(
                "c",
                DynamoValue.N.of("1709296496789"),
                DeltaType.TIMESTAMP,
                TimestampFormat.EPOCH_MILLIS))
        .isEqualTo(base + 789_000L);
    assertThatThrownBy(() -> convert(new DynamoValue.S("yesterday"), DeltaType.TIMESTAMP))
        .hasMessage("column c: \"yesterday\" is not an ISO-8601 timestamp");
  }

  @Test
  void declaredEpochFormatReadsDigitsInAnS() {
    assertThat(timestamp(new DynamoValue.S("1650341392"), TimestampFormat.EPOCH_SECONDS))
        .isEqualTo(APRIL_19);
    assertThat(timestamp(new DynamoValue.S("1650341392.25"), TimestampFormat.EPOCH_SECONDS))
        .isEqualTo(APRIL_19 + 250_000L);
    assertThat(timestamp(new DynamoValue.S("1650341392123"), TimestampFormat.EPOCH_MILLIS))
        .isEqualTo(APRIL_19 + 123_000L);
    assertThat(timestamp(new DynamoValue.S("1650341392123456"), TimestampFormat.EPOCH_MICROS))
        .isEqualTo(APRIL_19 + 123_456L);
    // Before the epoch, and finer than a microsecond: floored, as an N is.
    assertThat(timestamp(new DynamoValue.S("-1"), TimestampFormat.EPOCH_SECONDS))
        .isEqualTo(-1_000_000L);
    assertThat(timestamp(new DynamoValue.S("-1.5"), TimestampFormat.EPOCH_MILLIS))
        .isEqualTo(-1_500L);
    assertThat(timestamp(new DynamoValue.S("1.0000015"), TimestampFormat.EPOCH_SECONDS))
        .isEqualTo(1_000_001L);
    assertThat(timestamp(new DynamoValue.S("-0.0000015"), TimestampFormat.EPOCH_SECONDS))
        .isEqualTo(-2L);
  }

  @Test
  void sThatIsNotANumberUnderADeclaredEpochFormatNamesColumnValueAndFormat() {
    assertThatThrownBy(
            () ->
                ValueConverter.convert(
                    "expires_at",
                    new DynamoValue.S("2022-04-19T04:09:52Z"),
                    DeltaType.TIMESTAMP,
                    TimestampFormat.EPOCH_SECONDS))
        .isInstanceOf(MappingException.class)
        .hasMessage(
            "column expires_at: \"2022-04-19T04:09:52Z\" is not a number,"
                + " as the declared format: epoch_seconds requires");
    assertThatThrownBy(() -> timestamp(new DynamoValue.S("soon"), TimestampFormat.EPOCH_MILLIS))
        .hasMessage(
            "column c: \"soon\" is not a number, as the declared format: epoch_millis requires");
    for (String notPlain :
        List.of("", " 1650341392", "+1650341392", "1.65E9", "1650341392.", "1,5")) {
      assertThatThrownBy(() -> timestamp(new DynamoValue.S(notPlain), TimestampFormat.EPOCH_MICROS))
          .as(notPlain)
          .isInstanceOf(MappingException.class)
          .hasMessageContaining("as the declared format: epoch_micros requires");
    }
    assertThatThrownBy(
            () ->
                timestamp(new DynamoValue.S("99999999999999999999"), TimestampFormat.EPOCH_SECONDS))
        .hasMessage("column c: epoch value 99999999999999999999 is outside the timestamp range");
  }

  @Test
  void nUnderEachFormatAndIsoSWithoutOneAreUnchanged() {
    assertThat(convert(DynamoValue.N.of("1650341392"), DeltaType.TIMESTAMP)).isEqualTo(APRIL_19);
    assertThat(timestamp(DynamoValue.N.of("1650341392"), TimestampFormat.EPOCH_SECONDS))
        .isEqualTo(APRIL_19);
    assertThat(timestamp(DynamoValue.N.of("1650341392123"), TimestampFormat.EPOCH_MILLIS))
        .isEqualTo(APRIL_19 + 123_000L);
    assertThat(timestamp(DynamoValue.N.of("1650341392123456"), TimestampFormat.EPOCH_MICROS))
        .isEqualTo(APRIL_19 + 123_456L);
    assertThat(timestamp(DynamoValue.N.of("1.650341392E9"), TimestampFormat.EPOCH_SECONDS))
        .isEqualTo(APRIL_19);
    assertThat(convert(new DynamoValue.S("2022-04-19T04:09:52Z"), DeltaType.TIMESTAMP))
        .isEqualTo(APRIL_19);
    // Without a declared format, digits in an S are not a timestamp: S means ISO-8601.
    assertThatThrownBy(() -> convert(new DynamoValue.S("1650341392"), DeltaType.TIMESTAMP))
        .hasMessage("column c: \"1650341392\" is not an ISO-8601 timestamp");
  }

  @Test
  void wrongDynamoTypeIsAnErrorNotANull() {
    assertThatThrownBy(() -> convert(DynamoValue.N.of("5"), DeltaType.STRING))
        .hasMessage("column c: expected DynamoDB type S for string, got N");
    assertThatThrownBy(() -> convert(new DynamoValue.S("5"), DEC_10_2))
        .hasMessage("column c: expected DynamoDB type N for decimal(10,2), got S");
    assertThatThrownBy(() -> convert(new DynamoValue.S("true"), DeltaType.BOOLEAN))
        .isInstanceOf(MappingException.class);
  }

  @Test
  void setsAndListsBecomeArrays() {
    assertThat(convert(DynamoValue.SS.of(List.of("a", "b")), DeltaType.parse("array<string>")))
        .isEqualTo(List.of("a", "b"));
    assertThat(
            convert(
                DynamoValue.NS.of(List.of(DynamoValue.N.of("1"), DynamoValue.N.of("2.5"))),
                DeltaType.parse("array<decimal(5,1)>")))
        .isEqualTo(List.of(new BigDecimal("1.0"), new BigDecimal("2.5")));
    assertThat(
            convert(
                new DynamoValue.L(List.of(DynamoValue.N.of("3"))), DeltaType.parse("array<long>")))
        .isEqualTo(List.of(3L));
    assertThat(
            convert(
                new DynamoValue.M(Map.of("k", new DynamoValue.S("v"))),
                DeltaType.parse("map<string,string>")))
        .isEqualTo(Map.of("k", "v"));
  }

  @Test
  void binaryAndDates() {
    assertThat((byte[]) convert(DynamoValue.B.of(new byte[] {1, 2, 3}), DeltaType.BINARY))
        .containsExactly(1, 2, 3);
    // 2024-03-01 is day 19783 after 1970-01-01.
    assertThat(convert(new DynamoValue.S("2024-03-01"), DeltaType.DATE)).isEqualTo(19783);
  }
}
