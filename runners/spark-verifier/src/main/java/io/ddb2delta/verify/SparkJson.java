package io.ddb2delta.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.Base64;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import scala.Tuple2;

/**
 * Renders collected Spark rows as JSON, driven by the Spark schema rather than the Java value, so
 * that every type has exactly one rendering.
 *
 * <p>Null is JSON null; decimal is a string from {@link BigDecimal#toPlainString()} (scale kept,
 * never an exponent); binary is base64; timestamp is ISO-8601 UTC with exactly six fraction digits
 * ({@code 2024-03-01T12:34:56.789123Z}); timestamp_ntz is the same without the zone; date is {@code
 * yyyy-MM-dd}; integral, floating and boolean values are JSON numbers and booleans; arrays are JSON
 * arrays; maps and structs are JSON objects in their Spark order, map keys rendered as text. Types
 * not listed (intervals) fall back to Spark's {@code toString}. Expects rows collected with {@code
 * spark.sql.datetime.java8API.enabled=true}, and also accepts the {@code java.sql} date-time
 * classes.
 */
final class SparkJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final DateTimeFormatter MICROS_INSTANT =
      new DateTimeFormatterBuilder().appendInstant(6).toFormatter();

  private static final DateTimeFormatter MICROS_LOCAL =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");

  private SparkJson() {}

  /** One result: the statement, its columns with their Spark simple type names, and its rows. */
  static ObjectNode result(String sql, StructType schema, List<Row> rows) {
    ObjectNode result = NODES.objectNode();
    result.put("sql", sql);
    ArrayNode columns = result.putArray("columns");
    for (StructField field : schema.fields()) {
      columns.addObject().put("name", field.name()).put("type", field.dataType().simpleString());
    }
    ArrayNode rendered = result.putArray("rows");
    for (Row row : rows) {
      ArrayNode values = rendered.addArray();
      StructField[] fields = schema.fields();
      for (int i = 0; i < fields.length; i++) {
        values.add(value(fields[i].dataType(), row.get(i)));
      }
    }
    return result;
  }

  static JsonNode value(DataType type, Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (type instanceof DecimalType) {
      return NODES.textNode(((BigDecimal) value).toPlainString());
    }
    if (type instanceof BinaryType) {
      return NODES.textNode(Base64.getEncoder().encodeToString((byte[]) value));
    }
    if (type instanceof TimestampType) {
      Instant instant = value instanceof java.sql.Timestamp ts ? ts.toInstant() : (Instant) value;
      return NODES.textNode(MICROS_INSTANT.format(instant));
    }
    if (type instanceof TimestampNTZType) {
      return NODES.textNode(MICROS_LOCAL.format((LocalDateTime) value));
    }
    if (type instanceof DateType) {
      LocalDate date = value instanceof java.sql.Date d ? d.toLocalDate() : (LocalDate) value;
      return NODES.textNode(date.toString());
    }
    if (type instanceof BooleanType) {
      return NODES.booleanNode((Boolean) value);
    }
    if (type instanceof ByteType || type instanceof ShortType || type instanceof IntegerType) {
      return NODES.numberNode(((Number) value).intValue());
    }
    if (type instanceof LongType) {
      return NODES.numberNode((Long) value);
    }
    if (type instanceof FloatType) {
      return NODES.numberNode((Float) value);
    }
    if (type instanceof DoubleType) {
      return NODES.numberNode((Double) value);
    }
    if (type instanceof StringType) {
      return NODES.textNode(value.toString());
    }
    if (type instanceof ArrayType array) {
      ArrayNode node = NODES.arrayNode();
      scala.collection.Iterator<?> elements = ((scala.collection.Iterable<?>) value).iterator();
      while (elements.hasNext()) {
        node.add(value(array.elementType(), elements.next()));
      }
      return node;
    }
    if (type instanceof MapType map) {
      ObjectNode node = NODES.objectNode();
      scala.collection.Iterator<? extends Tuple2<?, ?>> entries =
          ((scala.collection.Map<?, ?>) value).iterator();
      while (entries.hasNext()) {
        Tuple2<?, ?> entry = entries.next();
        JsonNode key = value(map.keyType(), entry._1());
        node.set(
            key.isTextual() ? key.textValue() : key.toString(), value(map.valueType(), entry._2()));
      }
      return node;
    }
    if (type instanceof StructType struct) {
      ObjectNode node = NODES.objectNode();
      Row row = (Row) value;
      StructField[] fields = struct.fields();
      for (int i = 0; i < fields.length; i++) {
        node.set(fields[i].name(), value(fields[i].dataType(), row.get(i)));
      }
      return node;
    }
    return NODES.textNode(value.toString());
  }
}
