package io.ddb2delta.delta;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * The Parquet schema Spark writes for Delta columns, the checks of row values against it, and a
 * {@link WriteSupport} that hands rows to Parquet's record consumer directly, without an
 * intermediate object model (parquet-avro cost a record, a union resolution per nullable value and
 * a wrapper per decimal).
 *
 * <p>Guarantees: column names are the Delta names unchanged; timestamps are INT64 TIMESTAMP(MICROS,
 * UTC), dates INT32 DATE, decimals FIXED_LEN_BYTE_ARRAY DECIMAL sized for the precision, strings
 * UTF8 binaries, arrays 3-level lists ({@code list}/{@code element}) and maps {@code key_value}
 * groups with required string keys; array elements and map values are optional. A value is checked
 * once, in {@link Column#prepare}, which never mutates its input.
 */
final class ParquetRows {
  private ParquetRows() {}

  /** One column's check and write. */
  interface Column {
    /**
     * The value in the form {@link #write} takes, or an {@link IllegalArgumentException} naming the
     * column when the value does not fit it. The value is not null.
     */
    Object prepare(Object value, String column);

    /** Writes a value {@link #prepare} returned. */
    void write(RecordConsumer out, Object prepared);
  }

  static MessageType schema(List<DeltaColumn> columns) {
    Types.MessageTypeBuilder message = Types.buildMessage();
    for (DeltaColumn c : columns) {
      message.addField(
          type(c.name(), c.type(), c.nullable() ? Repetition.OPTIONAL : Repetition.REQUIRED));
    }
    return message.named("spark_schema");
  }

  private static Type type(String name, DeltaType type, Repetition repetition) {
    if (type instanceof DeltaType.Primitive p) {
      return switch (p.kind()) {
        case STRING ->
            Types.primitive(PrimitiveTypeName.BINARY, repetition)
                .as(LogicalTypeAnnotation.stringType())
                .named(name);
        case LONG -> Types.primitive(PrimitiveTypeName.INT64, repetition).named(name);
        case INT -> Types.primitive(PrimitiveTypeName.INT32, repetition).named(name);
        case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(name);
        case BOOLEAN -> Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(name);
        case BINARY -> Types.primitive(PrimitiveTypeName.BINARY, repetition).named(name);
        case DATE ->
            Types.primitive(PrimitiveTypeName.INT32, repetition)
                .as(LogicalTypeAnnotation.dateType())
                .named(name);
        case TIMESTAMP ->
            Types.primitive(PrimitiveTypeName.INT64, repetition)
                .as(
                    LogicalTypeAnnotation.timestampType(
                        true, LogicalTypeAnnotation.TimeUnit.MICROS))
                .named(name);
      };
    }
    if (type instanceof DeltaType.Decimal d) {
      return Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition)
          .length(fixedSize(d.precision()))
          .as(LogicalTypeAnnotation.decimalType(d.scale(), d.precision()))
          .named(name);
    }
    if (type instanceof DeltaType.Array a) {
      return Types.buildGroup(repetition)
          .as(LogicalTypeAnnotation.listType())
          .addField(
              Types.repeatedGroup()
                  .addField(type("element", a.element(), Repetition.OPTIONAL))
                  .named("list"))
          .named(name);
    }
    DeltaType.MapType m = (DeltaType.MapType) type;
    if (!m.key().equals(DeltaType.STRING)) {
      throw new IllegalArgumentException("map keys must be strings, not " + m.sql());
    }
    return Types.buildGroup(repetition)
        .as(LogicalTypeAnnotation.mapType())
        .addField(
            Types.repeatedGroup()
                .addField(type("key", DeltaType.STRING, Repetition.REQUIRED))
                .addField(type("value", m.value(), Repetition.OPTIONAL))
                .named("key_value"))
        .named(name);
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

  static Column column(DeltaType type) {
    if (type instanceof DeltaType.Primitive p) {
      return switch (p.kind()) {
        case STRING -> of(String.class, "string", Binary::fromString, ParquetRows::addBinary);
        case LONG -> of(Long.class, "long", v -> v, (out, v) -> out.addLong((Long) v));
        case TIMESTAMP ->
            of(
                Long.class,
                "timestamp (Long microseconds since the epoch)",
                v -> v,
                (out, v) -> out.addLong((Long) v));
        case INT -> of(Integer.class, "int", v -> v, (out, v) -> out.addInteger((Integer) v));
        case DATE ->
            of(
                Integer.class,
                "date (Integer days since the epoch)",
                v -> v,
                (out, v) -> out.addInteger((Integer) v));
        case DOUBLE -> of(Double.class, "double", v -> v, (out, v) -> out.addDouble((Double) v));
        case BOOLEAN ->
            of(Boolean.class, "boolean", v -> v, (out, v) -> out.addBoolean((Boolean) v));
        case BINARY ->
            of(
                byte[].class,
                "binary (byte[])",
                Binary::fromConstantByteArray,
                ParquetRows::addBinary);
      };
    }
    if (type instanceof DeltaType.Decimal d) {
      return decimal(d);
    }
    if (type instanceof DeltaType.Array a) {
      return list(column(a.element()), a.sql());
    }
    DeltaType.MapType m = (DeltaType.MapType) type;
    return map(column(m.value()), m.sql());
  }

  /**
   * A column of values of {@code type} (anything else is refused as not {@code description}),
   * turned into their written form by {@code prepare} and written by {@code write}.
   */
  private static <T> Column of(
      Class<T> type,
      String description,
      Function<T, Object> prepare,
      BiConsumer<RecordConsumer, Object> write) {
    return new Column() {
      @Override
      public Object prepare(Object value, String column) {
        if (type.isInstance(value)) {
          return prepare.apply(type.cast(value));
        }
        throw wrongType(column, value, description);
      }

      @Override
      public void write(RecordConsumer out, Object prepared) {
        write.accept(out, prepared);
      }
    };
  }

  private static void addBinary(RecordConsumer out, Object prepared) {
    out.addBinary((Binary) prepared);
  }

  private static Column decimal(DeltaType.Decimal d) {
    int size = fixedSize(d.precision());
    return new Column() {
      @Override
      public Object prepare(Object value, String column) {
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
        return Binary.fromConstantByteArray(fixed);
      }

      @Override
      public void write(RecordConsumer out, Object prepared) {
        out.addBinary((Binary) prepared);
      }
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

  private static Column list(Column element, String sql) {
    return new Column() {
      @Override
      public Object prepare(Object value, String column) {
        if (!(value instanceof List<?> list)) {
          throw wrongType(column, value, sql + " (List)");
        }
        Object[] out = new Object[list.size()];
        int i = 0;
        for (Object e : list) {
          out[i++] = e == null ? null : element.prepare(e, column);
        }
        return out;
      }

      @Override
      public void write(RecordConsumer out, Object prepared) {
        Object[] elements = (Object[]) prepared;
        out.startGroup();
        if (elements.length > 0) {
          out.startField("list", 0);
          for (Object e : elements) {
            out.startGroup();
            if (e != null) {
              out.startField("element", 0);
              element.write(out, e);
              out.endField("element", 0);
            }
            out.endGroup();
          }
          out.endField("list", 0);
        }
        out.endGroup();
      }
    };
  }

  private static Column map(Column value, String sql) {
    return new Column() {
      @Override
      public Object prepare(Object map, String column) {
        if (!(map instanceof Map<?, ?> m)) {
          throw wrongType(column, map, sql + " (Map)");
        }
        Object[] out = new Object[m.size() * 2];
        int i = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!(e.getKey() instanceof String key)) {
            throw wrongType(column, e.getKey(), "map key (non-null String)");
          }
          out[i++] = Binary.fromString(key);
          out[i++] = e.getValue() == null ? null : value.prepare(e.getValue(), column);
        }
        return out;
      }

      @Override
      public void write(RecordConsumer out, Object prepared) {
        Object[] entries = (Object[]) prepared;
        out.startGroup();
        if (entries.length > 0) {
          out.startField("key_value", 0);
          for (int i = 0; i < entries.length; i += 2) {
            out.startGroup();
            out.startField("key", 0);
            out.addBinary((Binary) entries[i]);
            out.endField("key", 0);
            if (entries[i + 1] != null) {
              out.startField("value", 1);
              value.write(out, entries[i + 1]);
              out.endField("value", 1);
            }
            out.endGroup();
          }
          out.endField("key_value", 0);
        }
        out.endGroup();
      }
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

  /**
   * Writes prepared rows: {@code Object[]} holding, per stored column in schema order, the value
   * {@link Column#prepare} returned, or null.
   */
  static final class RowWriteSupport extends WriteSupport<Object[]> {
    private final MessageType schema;
    private final String[] names;
    private final Column[] columns;
    private RecordConsumer out;

    RowWriteSupport(MessageType schema, Column[] columns) {
      this.schema = schema;
      this.columns = columns;
      this.names = schema.getFields().stream().map(Type::getName).toArray(String[]::new);
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(schema, new HashMap<>());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.out = recordConsumer;
    }

    @Override
    public void write(Object[] row) {
      out.startMessage();
      for (int i = 0; i < columns.length; i++) {
        Object v = row[i];
        if (v != null) {
          out.startField(names[i], i);
          columns[i].write(out, v);
          out.endField(names[i], i);
        }
      }
      out.endMessage();
    }
  }
}
