package io.ddb2delta.mapping;

import io.ddb2delta.delta.DeltaType;
import io.ddb2delta.mapping.ColumnMapping.TimestampFormat;
import io.ddb2delta.model.DynamoValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Converts a DynamoDB value to the Java value of a Delta type, or explains why it cannot.
 *
 * <p>Guarantees: nothing is silently nulled or truncated. A decimal with too many fraction digits
 * rounds HALF_UP (as Spark's cast does); one whose integer part does not fit, a non-integral or
 * out-of-range long, an unparseable timestamp and a value of the wrong DynamoDB type all throw
 * {@link MappingException}.
 */
public final class ValueConverter {
  private static final BigDecimal MICROS_PER_SECOND = BigDecimal.valueOf(1_000_000);
  private static final BigDecimal MICROS_PER_MILLI = BigDecimal.valueOf(1_000);
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
  // The plain numbers an S attribute may hold under a declared epoch format: no exponent, no sign
  // but a minus, no spaces, so that text which merely contains a number is not taken for one.
  private static final Pattern EPOCH_TEXT = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

  private ValueConverter() {}

  /**
   * Converts {@code value} for a column of {@code type}; {@code timestampFormat} is the column's
   * declared epoch format, or null for none (N is then epoch seconds and S ISO-8601).
   */
  public static Object convert(
      String column, DynamoValue value, DeltaType type, @Nullable TimestampFormat timestampFormat) {
    if (type instanceof DeltaType.Decimal d) {
      return toDecimal(column, number(column, value, type), d);
    }
    if (type instanceof DeltaType.Array a) {
      List<Object> out = new ArrayList<>();
      for (DynamoValue member : members(column, value, type)) {
        out.add(convert(column, member, a.element(), timestampFormat));
      }
      return out;
    }
    if (type instanceof DeltaType.MapType m) {
      if (!(m.key().equals(DeltaType.STRING))) {
        throw new MappingException(column, "map columns need string keys, not " + m.key().sql());
      }
      if (!(value instanceof DynamoValue.M map)) {
        throw wrongType(column, value, type, "M");
      }
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, DynamoValue> e : map.value().entrySet()) {
        out.put(
            e.getKey(),
            e.getValue() instanceof DynamoValue.Null
                ? null
                : convert(column, e.getValue(), m.value(), timestampFormat));
      }
      return out;
    }
    DeltaType.Kind kind = ((DeltaType.Primitive) type).kind();
    switch (kind) {
      case STRING:
        if (value instanceof DynamoValue.S s) {
          return s.value();
        }
        throw wrongType(column, value, type, "S");
      case BOOLEAN:
        if (value instanceof DynamoValue.Bool b) {
          return b.value();
        }
        throw wrongType(column, value, type, "BOOL");
      case BINARY:
        if (value instanceof DynamoValue.B b) {
          return b.bytes();
        }
        throw wrongType(column, value, type, "B");
      case LONG:
        return integral(column, number(column, value, type), Long.MIN_VALUE, Long.MAX_VALUE);
      case INT:
        return (int)
            integral(column, number(column, value, type), Integer.MIN_VALUE, Integer.MAX_VALUE);
      case DOUBLE:
        return number(column, value, type).doubleValue();
      case DATE:
        if (value instanceof DynamoValue.S s) {
          return (int) parseDate(column, s.value()).toEpochDay();
        }
        throw wrongType(column, value, type, "S (yyyy-MM-dd)");
      case TIMESTAMP:
        return timestampMicros(column, value, timestampFormat);
      default:
        throw new IllegalStateException("unhandled type " + kind);
    }
  }

  /** Rounds HALF_UP to the scale; refuses a value whose integer digits do not fit. */
  static BigDecimal toDecimal(String column, BigDecimal value, DeltaType.Decimal type) {
    BigDecimal scaled = value.setScale(type.scale(), RoundingMode.HALF_UP);
    if (scaled.precision() > type.precision()) {
      throw new MappingException(
          column,
          "value "
              + value.toPlainString()
              + " does not fit "
              + type.sql()
              + " (at most "
              + (type.precision() - type.scale())
              + " integer digits)");
    }
    return scaled;
  }

  private static BigDecimal number(String column, DynamoValue value, DeltaType type) {
    if (value instanceof DynamoValue.N n) {
      return n.decimal();
    }
    throw wrongType(column, value, type, "N");
  }

  private static long integral(String column, BigDecimal value, long min, long max) {
    BigInteger exact;
    try {
      exact = value.toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw new MappingException(column, "value " + value.toPlainString() + " is not an integer");
    }
    if (exact.compareTo(LONG_MIN) < 0
        || exact.compareTo(LONG_MAX) > 0
        || exact.longValue() < min
        || exact.longValue() > max) {
      throw new MappingException(
          column, "value " + value.toPlainString() + " is outside " + min + ".." + max);
    }
    return exact.longValue();
  }

  private static Collection<? extends DynamoValue> members(
      String column, DynamoValue value, DeltaType type) {
    if (value instanceof DynamoValue.L l) {
      return l.value();
    }
    if (value instanceof DynamoValue.SS ss) {
      return ss.value().stream().map(DynamoValue.S::new).toList();
    }
    if (value instanceof DynamoValue.NS ns) {
      return ns.value();
    }
    if (value instanceof DynamoValue.BS bs) {
      return bs.value();
    }
    throw wrongType(column, value, type, "L, SS, NS or BS");
  }

  static long timestampMicros(String column, DynamoValue value, @Nullable TimestampFormat format) {
    if (value instanceof DynamoValue.S s) {
      if (format == null) {
        return parseTimestampMicros(column, s.value());
      }
      // A declared epoch format covers tables that store the number as a string, too.
      if (!EPOCH_TEXT.matcher(s.value()).matches()) {
        throw new MappingException(
            column,
            "\""
                + abbreviate(s.value())
                + "\" is not a number, as the declared format: "
                + format.yamlName()
                + " requires");
      }
      return epochMicros(column, new BigDecimal(s.value()), s.value(), format);
    }
    if (value instanceof DynamoValue.N n) {
      return epochMicros(
          column, n.decimal(), n.text(), format == null ? TimestampFormat.EPOCH_SECONDS : format);
    }
    throw wrongType(column, value, DeltaType.TIMESTAMP, "S (ISO-8601) or N (epoch)");
  }

  private static long epochMicros(
      String column, BigDecimal epoch, String text, TimestampFormat format) {
    BigDecimal micros =
        switch (format) {
          case EPOCH_SECONDS -> epoch.multiply(MICROS_PER_SECOND);
          case EPOCH_MILLIS -> epoch.multiply(MICROS_PER_MILLI);
          case EPOCH_MICROS -> epoch;
        };
    try {
      return micros.setScale(0, RoundingMode.FLOOR).longValueExact();
    } catch (ArithmeticException e) {
      throw new MappingException(
          column, "epoch value " + abbreviate(text) + " is outside the timestamp range");
    }
  }

  /**
   * Parses ISO-8601: an instant ({@code 2024-03-01T12:34:56.789Z}), a date-time with an offset, a
   * local date-time (taken as UTC), or a date (midnight UTC).
   */
  static long parseTimestampMicros(String column, String text) {
    long fast = IsoInstants.parseMicros(text);
    if (fast != IsoInstants.NOT_SIMPLE) {
      return fast;
    }
    try {
      TemporalAccessor t =
          DateTimeFormatter.ISO_DATE_TIME.parseBest(
              text, OffsetDateTime::from, LocalDateTime::from);
      Instant instant =
          t instanceof OffsetDateTime odt
              ? odt.toInstant()
              : ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000L),
          instant.getLong(ChronoField.MICRO_OF_SECOND));
    } catch (DateTimeParseException | ArithmeticException e) {
      try {
        return Math.multiplyExact(LocalDate.parse(text).toEpochDay(), 86_400_000_000L);
      } catch (DateTimeParseException | ArithmeticException e2) {
        throw new MappingException(
            column, "\"" + abbreviate(text) + "\" is not an ISO-8601 timestamp");
      }
    }
  }

  private static LocalDate parseDate(String column, String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new MappingException(column, "\"" + abbreviate(text) + "\" is not a yyyy-MM-dd date");
    }
  }

  private static MappingException wrongType(
      String column, DynamoValue value, DeltaType type, String expected) {
    return new MappingException(
        column,
        "expected DynamoDB type " + expected + " for " + type.sql() + ", got " + value.tag());
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
