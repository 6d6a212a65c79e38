package io.ddb2delta.delta;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An orders table with a column of every Delta type, partitioned by date, and three rows. */
final class EveryTypeRows {

  static final DeltaTableSchema SCHEMA =
      new DeltaTableSchema(
          List.of(
              DeltaColumn.required("order_id", DeltaType.STRING),
              DeltaColumn.of("amount", new DeltaType.Decimal(10, 2)),
              DeltaColumn.of("big_amount", new DeltaType.Decimal(38, 6)),
              DeltaColumn.of("quantity", DeltaType.LONG),
              DeltaColumn.of("line_count", DeltaType.INT),
              DeltaColumn.of("score", DeltaType.DOUBLE),
              DeltaColumn.of("gift", DeltaType.BOOLEAN),
              DeltaColumn.of("payload", DeltaType.BINARY),
              DeltaColumn.of("created_at", DeltaType.TIMESTAMP),
              DeltaColumn.of("ship_date", DeltaType.DATE),
              DeltaColumn.of("tags", new DeltaType.Array(DeltaType.STRING)),
              DeltaColumn.of(
                  "attributes", new DeltaType.MapType(DeltaType.STRING, DeltaType.STRING)),
              DeltaColumn.of("event_date", DeltaType.DATE)),
          List.of("event_date"));

  static final Object[] FIRST =
      row(
          "o-1",
          new BigDecimal("12.34"),
          // delta-standalone's reader rescales decimals to scale 18 in 16 bytes, so it reads at
          // most 20 integer digits; DeltaFileWriterTest checks a full 38-digit value.
          new BigDecimal("12345678901234567890.123456"),
          5L,
          2,
          1.5,
          true,
          new byte[] {1, 2, 3},
          micros("2024-03-01T12:34:56.789123Z"),
          days("2024-03-05"),
          Arrays.asList("a", null, "b"),
          map("colour", "red", "size", null),
          days("2024-03-01"));

  static final Object[] ALL_NULL =
      row("o-2", null, null, null, null, null, null, null, null, null, null, null, null);

  static final Object[] THIRD =
      row(
          "o-3",
          new BigDecimal("-99999999.99"),
          new BigDecimal("-0.000001"),
          -7L,
          -1,
          -2.25,
          false,
          new byte[0],
          micros("1969-12-31T23:59:59.999999Z"),
          days("1900-01-01"),
          List.of(),
          Map.of(),
          days("2024-03-02"));

  static final List<Object[]> ROWS = List.of(FIRST, ALL_NULL, THIRD);

  private EveryTypeRows() {}

  static Object[] row(Object... values) {
    return values;
  }

  static long micros(String instant) {
    Instant i = Instant.parse(instant);
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }

  static int days(String date) {
    return (int) LocalDate.parse(date).toEpochDay();
  }

  static Map<String, String> map(String... keysAndValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }
}
