package io.ddb2delta.delta;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Delta per-file statistics for the columns stored in one data file, accumulated row by row.
 *
 * <p>Guarantees: every bound is safe for data skipping. {@code minValues} and {@code maxValues}
 * hold string, long, int, double, decimal, date and timestamp columns; a string min is cut to a
 * {@value #STRING_PREFIX}-character prefix, and a longer string max is left out rather than cut;
 * timestamps are rounded outwards to the millisecond; a double column that saw NaN or an infinity
 * has no bounds. {@code nullCount} covers every column.
 */
final class FileStats {

  static final int STRING_PREFIX = 32;

  private static final JsonFactory JSON =
      new JsonFactory().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

  private enum Bounds {
    NONE,
    LONG,
    DOUBLE,
    STRING,
    DECIMAL
  }

  private final List<DeltaColumn> columns;
  private final Bounds[] bounds;
  private final long[] nullCount;
  private final boolean[] seen;
  private final boolean[] noBounds;
  private final long[] longMin;
  private final long[] longMax;
  private final double[] doubleMin;
  private final double[] doubleMax;
  private final Object[] objectMin;
  private final Object[] objectMax;
  private long numRecords;

  FileStats(List<DeltaColumn> columns) {
    this.columns = List.copyOf(columns);
    int n = columns.size();
    bounds = new Bounds[n];
    for (int i = 0; i < n; i++) {
      bounds[i] = boundsOf(columns.get(i).type());
    }
    nullCount = new long[n];
    seen = new boolean[n];
    noBounds = new boolean[n];
    longMin = new long[n];
    longMax = new long[n];
    doubleMin = new double[n];
    doubleMax = new double[n];
    objectMin = new Object[n];
    objectMax = new Object[n];
  }

  private static Bounds boundsOf(DeltaType type) {
    if (type instanceof DeltaType.Decimal) {
      return Bounds.DECIMAL;
    }
    if (!(type instanceof DeltaType.Primitive p)) {
      return Bounds.NONE;
    }
    switch (p.kind()) {
      case STRING:
        return Bounds.STRING;
      case LONG:
      case INT:
      case DATE:
      case TIMESTAMP:
        return Bounds.LONG;
      case DOUBLE:
        return Bounds.DOUBLE;
      default:
        return Bounds.NONE;
    }
  }

  long numRecords() {
    return numRecords;
  }

  /** Adds one row; {@code values[i]} is the already validated value of column {@code i}. */
  void add(Object[] values) {
    numRecords++;
    for (int i = 0; i < bounds.length; i++) {
      Object v = values[i];
      if (v == null) {
        nullCount[i]++;
        continue;
      }
      switch (bounds[i]) {
        case LONG:
          addLong(i, ((Number) v).longValue());
          break;
        case DOUBLE:
          addDouble(i, (Double) v);
          break;
        case STRING:
          addString(i, (String) v);
          break;
        case DECIMAL:
          addDecimal(i, (BigDecimal) v);
          break;
        default:
          break;
      }
    }
  }

  private void addLong(int i, long v) {
    if (!seen[i]) {
      seen[i] = true;
      longMin[i] = v;
      longMax[i] = v;
    } else if (v < longMin[i]) {
      longMin[i] = v;
    } else if (v > longMax[i]) {
      longMax[i] = v;
    }
  }

  private void addDouble(int i, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      // JSON has no NaN or infinity, and a bound that leaves them out would skip wrongly.
      noBounds[i] = true;
    } else if (!seen[i]) {
      seen[i] = true;
      doubleMin[i] = v;
      doubleMax[i] = v;
    } else if (v < doubleMin[i]) {
      doubleMin[i] = v;
    } else if (v > doubleMax[i]) {
      doubleMax[i] = v;
    }
  }

  private void addString(int i, String v) {
    if (!seen[i]) {
      seen[i] = true;
      objectMin[i] = v;
      objectMax[i] = v;
    } else if (compareCodePoints(v, (String) objectMin[i]) < 0) {
      objectMin[i] = v;
    } else if (compareCodePoints(v, (String) objectMax[i]) > 0) {
      objectMax[i] = v;
    }
  }

  private void addDecimal(int i, BigDecimal v) {
    if (!seen[i]) {
      seen[i] = true;
      objectMin[i] = v;
      objectMax[i] = v;
    } else if (v.compareTo((BigDecimal) objectMin[i]) < 0) {
      objectMin[i] = v;
    } else if (v.compareTo((BigDecimal) objectMax[i]) > 0) {
      objectMax[i] = v;
    }
  }

  /**
   * Orders strings as Spark does, by their UTF-8 bytes, which is code point order; {@link
   * String#compareTo} orders UTF-16 units and differs for characters above U+FFFF.
   */
  static int compareCodePoints(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        return Integer.compare(Character.codePointAt(a, i), Character.codePointAt(b, i));
      }
    }
    return Integer.compare(a.length(), b.length());
  }

  /** The Delta {@code stats} JSON for the rows added so far. */
  String toJson() {
    StringWriter out = new StringWriter(64 + 48 * bounds.length);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("numRecords", numRecords);
      g.writeObjectFieldStart("minValues");
      for (int i = 0; i < bounds.length; i++) {
        if (hasBounds(i)) {
          writeBound(g, i, true);
        }
      }
      g.writeEndObject();
      g.writeObjectFieldStart("maxValues");
      for (int i = 0; i < bounds.length; i++) {
        if (hasBounds(i)) {
          writeBound(g, i, false);
        }
      }
      g.writeEndObject();
      g.writeObjectFieldStart("nullCount");
      for (int i = 0; i < bounds.length; i++) {
        g.writeNumberField(columns.get(i).name(), nullCount[i]);
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private boolean hasBounds(int i) {
    return bounds[i] != Bounds.NONE && seen[i] && !noBounds[i];
  }

  private void writeBound(JsonGenerator g, int i, boolean min) throws IOException {
    String name = columns.get(i).name();
    switch (bounds[i]) {
      case LONG:
        writeLong(g, name, columns.get(i).type(), min ? longMin[i] : longMax[i], min);
        break;
      case DOUBLE:
        g.writeNumberField(name, min ? doubleMin[i] : doubleMax[i]);
        break;
      case DECIMAL:
        g.writeFieldName(name);
        g.writeNumber((BigDecimal) (min ? objectMin[i] : objectMax[i]));
        break;
      case STRING:
        String s = (String) (min ? objectMin[i] : objectMax[i]);
        boolean tooLong =
            s.length() > STRING_PREFIX && s.codePointCount(0, s.length()) > STRING_PREFIX;
        if (!tooLong) {
          g.writeStringField(name, s);
        } else if (min) {
          g.writeStringField(name, s.substring(0, s.offsetByCodePoints(0, STRING_PREFIX)));
        }
        break;
      default:
        throw new IllegalStateException("no bounds for column " + name);
    }
  }

  private static void writeLong(JsonGenerator g, String name, DeltaType type, long v, boolean min)
      throws IOException {
    if (type.equals(DeltaType.DATE)) {
      g.writeStringField(name, LocalDate.ofEpochDay(v).toString());
    } else if (type.equals(DeltaType.TIMESTAMP)) {
      // Readers compare at millisecond precision, so round the range outwards.
      long millis = min ? Math.floorDiv(v, 1000L) : -Math.floorDiv(-v, 1000L);
      g.writeStringField(name, MILLIS.format(Instant.ofEpochMilli(millis)));
    } else {
      g.writeNumberField(name, v);
    }
  }
}
