package io.ddb2delta.delta;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * A Delta column type, in the SQL spelling that Databricks uses ({@code decimal(10,2)}, {@code
 * array<string>}, {@code map<string,long>}).
 *
 * <p>Row values handed to the sink use these Java types: string {@link String}; long {@link Long};
 * int {@link Integer}; double {@link Double}; boolean {@link Boolean}; binary {@code byte[]};
 * decimal(p,s) {@link java.math.BigDecimal} with scale exactly s; timestamp {@link Long}
 * microseconds since the epoch in UTC; date {@link Integer} days since the epoch; array {@link
 * java.util.List}; map {@link java.util.Map}.
 */
public sealed interface DeltaType extends Serializable {

  /** The SQL spelling, parseable by {@link #parse}. */
  String sql();

  enum Kind {
    STRING("string"),
    LONG("long"),
    INT("int"),
    DOUBLE("double"),
    BOOLEAN("boolean"),
    BINARY("binary"),
    DATE("date"),
    TIMESTAMP("timestamp");

    private final String sql;

    Kind(String sql) {
      this.sql = sql;
    }
  }

  record Primitive(Kind kind) implements DeltaType {
    public Primitive {
      Objects.requireNonNull(kind, "kind");
    }

    @Override
    public String sql() {
      return kind.sql;
    }
  }

  record Decimal(int precision, int scale) implements DeltaType {
    public Decimal {
      if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
        throw new IllegalArgumentException(
            "decimal("
                + precision
                + ","
                + scale
                + ") is not valid: need 1 <= p <= 38, 0 <= s <= p");
      }
    }

    @Override
    public String sql() {
      return "decimal(" + precision + "," + scale + ")";
    }
  }

  record Array(DeltaType element) implements DeltaType {
    public Array {
      Objects.requireNonNull(element, "element");
    }

    @Override
    public String sql() {
      return "array<" + element.sql() + ">";
    }
  }

  record MapType(DeltaType key, DeltaType value) implements DeltaType {
    public MapType {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String sql() {
      return "map<" + key.sql() + "," + value.sql() + ">";
    }
  }

  DeltaType STRING = new Primitive(Kind.STRING);
  DeltaType LONG = new Primitive(Kind.LONG);
  DeltaType INT = new Primitive(Kind.INT);
  DeltaType DOUBLE = new Primitive(Kind.DOUBLE);
  DeltaType BOOLEAN = new Primitive(Kind.BOOLEAN);
  DeltaType BINARY = new Primitive(Kind.BINARY);
  DeltaType DATE = new Primitive(Kind.DATE);
  DeltaType TIMESTAMP = new Primitive(Kind.TIMESTAMP);

  /** Parses a type such as {@code decimal(10,2)} or {@code array<map<string,long>>}. */
  static DeltaType parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT).replace(" ", "");
    switch (t) {
      case "string":
        return STRING;
      case "long":
      case "bigint":
        return LONG;
      case "int":
      case "integer":
        return INT;
      case "double":
        return DOUBLE;
      case "boolean":
        return BOOLEAN;
      case "binary":
        return BINARY;
      case "date":
        return DATE;
      case "timestamp":
        return TIMESTAMP;
      default:
        break;
    }
    if (t.startsWith("decimal(") && t.endsWith(")")) {
      String[] ps = t.substring(8, t.length() - 1).split(",");
      if (ps.length == 2) {
        try {
          return new Decimal(Integer.parseInt(ps[0]), Integer.parseInt(ps[1]));
        } catch (NumberFormatException e) {
          // falls through to the error below
        }
      }
    }
    if (t.startsWith("array<") && t.endsWith(">")) {
      return new Array(parse(t.substring(6, t.length() - 1)));
    }
    if (t.startsWith("map<") && t.endsWith(">")) {
      String inner = t.substring(4, t.length() - 1);
      int comma = topLevelComma(inner);
      if (comma > 0) {
        return new MapType(parse(inner.substring(0, comma)), parse(inner.substring(comma + 1)));
      }
    }
    throw new IllegalArgumentException(
        "unknown Delta type \""
            + text
            + "\"; expected string, long, int, double, boolean, binary, date, timestamp,"
            + " decimal(p,s), array<T> or map<K,V>");
  }

  private static int topLevelComma(String s) {
    int depth = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '<' || c == '(') {
        depth++;
      } else if (c == '>' || c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        return i;
      }
    }
    return -1;
  }
}
