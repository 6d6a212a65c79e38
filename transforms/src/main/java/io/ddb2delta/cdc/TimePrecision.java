package io.ddb2delta.cdc;

import io.ddb2delta.change.DecodeException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The unit of {@code ApproximateCreationDateTime} in a Kinesis Data Streams for DynamoDB record:
 * epoch milliseconds by default, epoch microseconds when the table's streaming destination is set
 * to MICROSECOND. The constant names are AWS's own values of {@code
 * ApproximateCreationDateTimePrecision}.
 *
 * <p>Guarantees: conversions are exact decimal arithmetic, never through {@code double}; a
 * sub-microsecond fraction is dropped (floor), so a time never moves later than written.
 */
public enum TimePrecision {
  MILLISECOND,
  MICROSECOND;

  /**
   * Values from here up are microseconds; below, milliseconds. 1e14 µs is 1973-03-03T09:46:40Z and
   * 1e14 ms is in the year 5138, so each unit is read right for every time from 1973-03-03 to 5138.
   * A change record is stamped when DynamoDB wrote it, which is after DynamoDB Streams launched
   * (2014), so a real record never falls in the band where a microsecond value (before 1973-03-03)
   * would pass for milliseconds.
   */
  static final BigDecimal MICROS_FROM = BigDecimal.valueOf(100_000_000_000_000L);

  private static final BigDecimal MAX_MICROS = BigDecimal.valueOf(Long.MAX_VALUE);

  /** A generous bound on decimal places; it keeps a hostile exponent from costing real work. */
  private static final int MAX_SCALE = 18;

  /** The precision a value of this magnitude is written in; see {@link #MICROS_FROM}. */
  static TimePrecision ofMagnitude(BigDecimal value) {
    return value.compareTo(MICROS_FROM) >= 0 ? MICROSECOND : MILLISECOND;
  }

  /** AWS's name for a precision; throws {@link DecodeException} (INVALID_SHAPE) for any other. */
  static TimePrecision named(String name) {
    for (TimePrecision p : values()) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new DecodeException(
        DecodeException.INVALID_SHAPE,
        "dynamodb.ApproximateCreationDateTimePrecision is \""
            + name
            + "\"; expected MILLISECOND or MICROSECOND");
  }

  /**
   * Epoch microseconds of a time written in this precision; throws {@link DecodeException}
   * (INVALID_SHAPE) for a negative or out-of-range time.
   */
  long toMicros(BigDecimal value) {
    if (value.signum() < 0) {
      throw new DecodeException(
          DecodeException.INVALID_SHAPE,
          "dynamodb.ApproximateCreationDateTime is negative (" + value.toPlainString() + ")");
    }
    BigDecimal micros = this == MILLISECOND ? value.movePointRight(3) : value;
    if (micros.compareTo(MAX_MICROS) > 0 || value.scale() > MAX_SCALE) {
      throw new DecodeException(
          DecodeException.INVALID_SHAPE,
          "dynamodb.ApproximateCreationDateTime "
              + value
              + " is not an epoch time in "
              + name().toLowerCase(java.util.Locale.ROOT)
              + "s that fits in 64-bit microseconds");
    }
    return micros.setScale(0, RoundingMode.FLOOR).longValueExact();
  }

  /** The value written for epoch microseconds {@code micros} in this precision. */
  long fromMicros(long micros) {
    return this == MILLISECOND ? Math.floorDiv(micros, 1000L) : micros;
  }
}
