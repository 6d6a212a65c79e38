package io.ddb2delta.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.change.DecodeException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimePrecisionTest {

  /** Reads a creation time the way the Kinesis decoder does when there is no precision field. */
  private static long byMagnitude(String value) {
    BigDecimal v = new BigDecimal(value);
    return TimePrecision.ofMagnitude(v).toMicros(v);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1973-03-03T09:46:40Z",
        "1999-12-31T23:59:59.999Z",
        "2014-11-10T00:00:00Z",
        "2024-07-15T02:39:25.891Z",
        "2038-01-19T03:14:08Z",
        "2100-02-28T12:00:00.001Z",
        "2200-01-01T00:00:00Z",
      })
  void bothUnitsReadBackToTheSameTimeFrom1973To2200(String date) {
    Instant t = Instant.parse(date);
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, t);

    assertThat(byMagnitude(Long.toString(t.toEpochMilli()))).isEqualTo(micros);
    assertThat(byMagnitude(Long.toString(micros))).isEqualTo(micros);
  }

  @Test
  void millisecondsAreReadRightFrom1970() {
    assertThat(byMagnitude("0")).isZero();
    assertThat(byMagnitude("1")).isEqualTo(1_000L);
    // 1972-01-01T00:00:00Z
    assertThat(byMagnitude("63072000000")).isEqualTo(63_072_000_000_000L);
  }

  @Test
  void theBoundaryIsOneHundredTrillion() {
    assertThat(byMagnitude("99999999999999")).isEqualTo(99_999_999_999_999_000L);
    assertThat(byMagnitude("100000000000000")).isEqualTo(100_000_000_000_000L);
  }

  @Test
  void decimalsConvertExactlyWhereADoubleWouldNot() {
    // No double holds 1721011165891.550 exactly, so flooring it times 1000 could lose 1 µs.
    assertThat(byMagnitude("1721011165891.550")).isEqualTo(1_721_011_165_891_550L);
    assertThat(byMagnitude("1.721011165891551E12")).isEqualTo(1_721_011_165_891_551L);
    assertThat(byMagnitude("1721011165891550.9")).isEqualTo(1_721_011_165_891_550L);
  }

  @Test
  void millisecondsAreWrittenByDroppingTheSubMillisecondPart() {
    assertThat(TimePrecision.MILLISECOND.fromMicros(1_700_000_060_123_456L))
        .isEqualTo(1_700_000_060_123L);
    assertThat(TimePrecision.MICROSECOND.fromMicros(1_700_000_060_123_456L))
        .isEqualTo(1_700_000_060_123_456L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "1E+30", "9223372036854775808", "1E-1000000000"})
  void negativeHugeOrAbsurdlyPreciseTimesAreRefused(String value) {
    assertThatThrownBy(() -> byMagnitude(value))
        .isInstanceOfSatisfying(
            DecodeException.class,
            e -> assertThat(e.errorClass()).isEqualTo(DecodeException.INVALID_SHAPE));
  }
}
