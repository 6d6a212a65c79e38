package io.ddb2delta.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * The Avro schema parquet-avro writes for Delta columns, and the checks and conversions from the
 * row values {@link DeltaType} names to the Avro values parquet-avro expects.
 *
 * <p>Guarantees: field names are the Delta column names unchanged (name validation is off, since
 * DynamoDB attribute names need not be Avro names); timestamps are {@code timestamp-micros}, dates
 * {@code date}, decimals {@code fixed} with the decimal logical type sized for the precision;
 * nullable columns, array elements and map values are unions with null. A converter never mutates
 * its input.
 */
final class AvroMapping {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private AvroMapping() {}

  /** Turns one row value into its Avro form, or throws {@link IllegalArgumentException}. */
  interface Converter {
    Object convert(Object value, String column);

    /** True when {@link #convert} returns its argument unchanged for every valid value. */
    default boolean isIdentity() {
      return false;
    }
  }

  static Schema recordSchema(List<DeltaColumn> columns) {
    ObjectNode record = JSON.objectNode().put("type", "record").put("name", "delta_row");
    ArrayNode fields = record.putArray("fields");
    int[] fixedNames = {0};
    for (DeltaColumn c : columns) {
      JsonNode type = avroType(c.type(), fixedNames);
      ObjectNode field = fields.addObject().put("name", c.name());
      if (c.nullable()) {
        field.set("type", JSON.arrayNode().add("null").add(type));
        field.putNull("default");
      } else {
        field.set("type", type);
      }
    }
    return new Schema.Parser().setValidate(false).parse(record.toString());
  }

  private static JsonNode avroType(DeltaType type, int[] fixedNames) {
    if (type instanceof DeltaType.Primitive p) {
      switch (p.kind()) {
        case STRING:
          return JSON.textNode("string");
        case LONG:
          return JSON.textNode("long");
        case INT:
          return JSON.textNode("int");
        case DOUBLE:
          return JSON.textNode("double");
        case BOOLEAN:
          return JSON.textNode("boolean");
        case BINARY:
          return JSON.textNode("bytes");
        case DATE:
          return JSON.objectNode().put("type", "int").put("logicalType", "date");
        case TIMESTAMP:
          return JSON.objectNode().put("type", "long").put("logicalType", "timestamp-micros");
        default:
          throw new IllegalStateException("unhandled kind " + p.kind());
      }
    }
    if (type instanceof DeltaType.Decimal d) {
      return JSON.objectNode()
          .put("type", "fixed")
          .put("name", "decimal_fixed_" + fixedNames[0]++)
          .put("size", fixedSize(d.precision()))
          .put("logicalType", "decimal")
          .put("precision", d.precision())
          .put("scale", d.scale());
    }
    if (type instanceof DeltaType.Array a) {
      return JSON.objectNode()
          .put("type", "array")
          .set("items", nullable(avroType(a.element(), fixedNames)));
    }
    DeltaType.MapType m = (DeltaType.MapType) type;
    if (!m.key().equals(DeltaType.STRING)) {
      throw new IllegalArgumentException(
          "map keys must be strings in Parquet written through Avro, not " + m.sql());
    }
    return JSON.objectNode()
        .put("type", "map")
        .set("values", nullable(avroType(m.value(), fixedNames)));
  }

  private static JsonNode nullable(JsonNode type) {
    return JSON.arrayNode().add("null").add(type);
  }

  /** The fewest bytes whose two's complement holds every unscaled value of the precision. */
  static int fixedSize(int precision) {
    BigInteger largest = BigInteger.TEN.pow(precision).subtract(BigInteger.ONE);
    int bytes = 1;
    while (largest.bitLength() + 1 > bytes * 8) {
      bytes++;
    }
    return bytes;
  }

  /** The converter for a column; {@code avroType} is its non-null Avro schema. */
  static Converter converter(DeltaType type, Schema avroType) {
    if (type instanceof DeltaType.Primitive p) {
      switch (p.kind()) {
        case STRING:
          return identity(String.class, "string");
        case LONG:
          return identity(Long.class, "long");
        case INT:
          return identity(Integer.class, "int");
        case DOUBLE:
          return identity(Double.class, "double");
        case BOOLEAN:
          return identity(Boolean.class, "boolean");
        case DATE:
          return identity(Integer.class, "date (Integer days since the epoch)");
        case TIMESTAMP:
          return identity(Long.class, "timestamp (Long microseconds since the epoch)");
        case BINARY:
          return (value, column) -> {
            if (value instanceof byte[] bytes) {
              return ByteBuffer.wrap(bytes);
            }
            throw wrongType(column, value, "binary (byte[])");
          };
        default:
          throw new IllegalStateException("unhandled kind " + p.kind());
      }
    }
    if (type instanceof DeltaType.Decimal d) {
      return decimal(d, avroType);
    }
    if (type instanceof DeltaType.Array a) {
      return list(converter(a.element(), nonNull(avroType.getElementType())), a.sql());
    }
    DeltaType.MapType m = (DeltaType.MapType) type;
    return map(converter(m.value(), nonNull(avroType.getValueType())), m.sql());
  }

  static Schema nonNull(Schema schema) {
    if (schema.getType() != Schema.Type.UNION) {
      return schema;
    }
    for (Schema s : schema.getTypes()) {
      if (s.getType() != Schema.Type.NULL) {
        return s;
      }
    }
    throw new IllegalArgumentException("union without a non-null branch: " + schema);
  }

  private static Converter identity(Class<?> javaType, String description) {
    return new Converter() {
      @Override
      public Object convert(Object value, String column) {
        if (javaType.isInstance(value)) {
          return value;
        }
        throw wrongType(column, value, description);
      }

      @Override
      public boolean isIdentity() {
        return true;
      }
    };
  }

  private static Converter decimal(DeltaType.Decimal d, Schema fixedSchema) {
    int size = fixedSchema.getFixedSize();
    return (value, column) -> {
      if (!(value instanceof BigDecimal bd)) {
        throw wrongType(column, value, d.sql() + " (BigDecimal)");
      }
      checkDecimal(bd, d, column);
      byte[] unscaled = bd.unscaledValue().toByteArray();
      byte[] fixed = new byte[size];
      // Sign-extend the big-endian two's complement bytes to the fixed width.
      byte pad = (byte) (bd.signum() < 0 ? 0xFF : 0x00);
      int offset = size - unscaled.length;
      for (int i = 0; i < offset; i++) {
        fixed[i] = pad;
      }
      System.arraycopy(unscaled, 0, fixed, offset, unscaled.length);
      return new GenericData.Fixed(fixedSchema, fixed);
    };
  }

  static void checkDecimal(BigDecimal bd, DeltaType.Decimal d, String column) {
    if (bd.scale() != d.scale()) {
      throw new IllegalArgumentException(
          "column \""
              + column
              + "\": decimal "
              + bd.toPlainString()
              + " has scale "
              + bd.scale()
              + ", the column is "
              + d.sql()
              + "; round it to scale "
              + d.scale()
              + " before writing");
    }
    if (bd.precision() > d.precision()) {
      throw new IllegalArgumentException(
          "column \""
              + column
              + "\": decimal "
              + bd.toPlainString()
              + " has "
              + bd.precision()
              + " digits, more than "
              + d.sql()
              + " holds");
    }
  }

  private static Converter list(Converter element, String sql) {
    return (value, column) -> {
      if (!(value instanceof List<?> list)) {
        throw wrongType(column, value, sql + " (List)");
      }
      if (element.isIdentity()) {
        for (Object e : list) {
          if (e != null) {
            element.convert(e, column);
          }
        }
        return list;
      }
      List<Object> out = new ArrayList<>(list.size());
      for (Object e : list) {
        out.add(e == null ? null : element.convert(e, column));
      }
      return out;
    };
  }

  private static Converter map(Converter value, String sql) {
    return (map, column) -> {
      if (!(map instanceof Map<?, ?> m)) {
        throw wrongType(column, map, sql + " (Map)");
      }
      Map<Object, Object> out = value.isIdentity() ? null : new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw wrongType(column, e.getKey(), "map key (non-null String)");
        }
        Object v = e.getValue() == null ? null : value.convert(e.getValue(), column);
        if (out != null) {
          out.put(e.getKey(), v);
        }
      }
      return out == null ? m : out;
    };
  }

  static IllegalArgumentException wrongType(String column, Object value, String expected) {
    return new IllegalArgumentException(
        "column \""
            + column
            + "\": expected "
            + expected
            + " but got "
            + (value == null ? "null" : value.getClass().getName()));
  }
}
