package io.ddb2delta.gold;

import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Gold rows as readable text, for comparison with expectations written by hand. */
final class GoldRows {
  private GoldRows() {}

  /** "table key..." for a row's key. */
  static String key(GoldRow r) {
    GoldTable t = GoldTable.named(r.key().table());
    List<String> parts = new ArrayList<>();
    parts.add(t.tableName());
    for (int i = 0; i < t.keyColumns().size(); i++) {
      DeltaColumn c = t.schema().column(t.keyColumns().get(i));
      parts.add(text(c.type(), r.key().values().get(i)));
    }
    return String.join(" ", parts);
  }

  /** "col=value ..." without the key columns, _version and updated_at; "deleted" for none. */
  static String values(GoldRow r) {
    Object[] row = r.row();
    if (row == null) {
      return "deleted";
    }
    GoldTable t = GoldTable.named(r.key().table());
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < t.schema().columns().size(); i++) {
      DeltaColumn c = t.schema().columns().get(i);
      if (t.keyColumns().contains(c.name())
          || c.name().equals("_version")
          || c.name().equals("updated_at")) {
        continue;
      }
      parts.add(c.name() + "=" + text(c.type(), row[i]));
    }
    return String.join(" ", parts);
  }

  /** Of every row emitted per key, the one of the highest version, rendered. */
  static Map<String, String> latest(Iterable<GoldRow> rows) {
    Map<String, GoldRow> newest = new TreeMap<>();
    for (GoldRow r : rows) {
      newest.merge(key(r), r, (a, b) -> b.version() > a.version() ? b : a);
    }
    Map<String, String> out = new TreeMap<>();
    newest.forEach((k, r) -> out.put(k, values(r)));
    return out;
  }

  static String text(DeltaType type, Object v) {
    if (v == null) {
      return "null";
    }
    if (type.equals(DeltaType.TIMESTAMP)) {
      long micros = (Long) v;
      return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L)).toString();
    }
    if (type.equals(DeltaType.DATE)) {
      return LocalDate.ofEpochDay((Integer) v).toString();
    }
    return v instanceof BigDecimal d ? d.toPlainString() : v.toString();
  }
}
