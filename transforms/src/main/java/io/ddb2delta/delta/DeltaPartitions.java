package io.ddb2delta.delta;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Partition values and directory names as Delta and Hive spell them.
 *
 * <p>Guarantees: {@link #format} follows the Delta protocol's partition value serialization, with
 * null for a null or empty value (Spark treats an empty partition string as null too); {@link
 * #escapePathName} escapes exactly the characters Hive and Spark escape on every platform.
 */
final class DeltaPartitions {

  /** The directory name Hive and Delta use for a null partition value. */
  static final String NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  private static final boolean[] ESCAPED = new boolean[128];

  static {
    for (char c = 1; c < ' '; c++) {
      ESCAPED[c] = true;
    }
    for (char c : "\"#%'*/:=?\\\u007F{[]^".toCharArray()) {
      ESCAPED[c] = true;
    }
  }

  private DeltaPartitions() {}

  /**
   * The protocol's string for a partition value of the given type, or null. Timestamps are written
   * in UTC, the session time zone Databricks uses by default.
   */
  static String format(Object value, DeltaType type) {
    if (value == null) {
      return null;
    }
    DeltaType.Kind kind = ((DeltaType.Primitive) type).kind();
    switch (kind) {
      case STRING:
        String s = (String) value;
        return s.isEmpty() ? null : s;
      case DATE:
        return LocalDate.ofEpochDay((Integer) value).toString();
      case TIMESTAMP:
        long micros = (Long) value;
        return TIMESTAMP.format(
            Instant.ofEpochSecond(
                Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L));
      case BINARY:
        // The protocol writes each byte as the character with that code.
        byte[] bytes = (byte[]) value;
        return bytes.length == 0 ? null : new String(bytes, StandardCharsets.ISO_8859_1);
      default:
        return value.toString();
    }
  }

  /** The value {@link #format} gave {@code text} for, in the writer's Java form; null for null. */
  static Object parse(String text, DeltaType type) {
    if (text == null) {
      return null;
    }
    return switch (((DeltaType.Primitive) type).kind()) {
      case STRING -> text;
      case DATE -> (int) LocalDate.parse(text).toEpochDay();
      case TIMESTAMP -> {
        Instant t = TIMESTAMP.parse(text, Instant::from);
        yield t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
      }
      case BINARY -> text.getBytes(StandardCharsets.ISO_8859_1);
      case LONG -> Long.parseLong(text);
      case INT -> Integer.parseInt(text);
      case DOUBLE -> Double.parseDouble(text);
      case BOOLEAN -> Boolean.parseBoolean(text);
    };
  }

  /** {@code a=1/b=x%3Ay/} for the given columns and formatted values. */
  static String directory(List<String> columns, String[] values) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      b.append(escapePathName(columns.get(i)))
          .append('=')
          .append(values[i] == null ? NULL_PARTITION : escapePathName(values[i]))
          .append('/');
    }
    return b.toString();
  }

  static String escapePathName(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < ESCAPED.length && ESCAPED[c]) {
        if (b == null) {
          b = new StringBuilder(s.length() + 8).append(s, 0, i);
        }
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        b.append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }

  /**
   * The relative path as a URI path, which is what {@code add.path} holds: a {@code %} in a
   * directory name becomes {@code %25}, a space {@code %20}.
   */
  static String toUriPath(String relativePath) {
    try {
      return new URI(null, null, relativePath, null).getRawPath();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a valid relative path: " + relativePath, e);
    }
  }
}
