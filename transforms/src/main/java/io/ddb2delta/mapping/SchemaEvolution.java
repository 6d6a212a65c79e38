package io.ddb2delta.mapping;

import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaTableSchema;
import io.ddb2delta.delta.DeltaType;
import io.ddb2delta.model.DynamoJson;
import io.ddb2delta.model.DynamoValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The rules of schema evolution for a silver table whose mapping says {@code evolve: true}: which
 * top-level attribute may become a column, of which type, and how its values fill that column.
 *
 * <p>Guarantees: a column's type follows from the attribute's DynamoDB type alone (S and N give
 * STRING, N as its exact decimal text; BOOL gives BOOLEAN; B gives BINARY; M, L, SS, NS and BS give
 * STRING holding the value's DynamoDB JSON; NULL gives none); a value is put in an evolved column
 * only when its own type gives the column's type, and otherwise {@link MappingException} names the
 * column, so nothing is coerced. Evolved columns come after {@code _attributes}, in the table's
 * order, as Delta appends added columns.
 */
public final class SchemaEvolution {
  // Names every engine reads without quoting; a leading underscore is kept for ddb2delta's own.
  private static final Pattern COLUMN_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,127}");

  private SchemaEvolution() {}

  /** The type a new column for this value gets, or null for NULL, which tells no type. */
  public static @Nullable DeltaType inferredType(DynamoValue value) {
    if (value instanceof DynamoValue.Bool) {
      return DeltaType.BOOLEAN;
    }
    if (value instanceof DynamoValue.B) {
      return DeltaType.BINARY;
    }
    if (value instanceof DynamoValue.Null) {
      return null;
    }
    return DeltaType.STRING;
  }

  /**
   * True when an attribute of this name may become a column of its own: a letter, then letters,
   * digits or underscores, at most 128 in all. Whether it clashes with a column is the caller's to
   * check, ignoring case as Spark does.
   */
  public static boolean isColumnName(String attribute) {
    return COLUMN_NAME.matcher(attribute).matches();
  }

  /** The key under which names are compared: Spark resolves columns ignoring case. */
  public static String nameKey(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /**
   * The value for an evolved column of {@code type}; a value whose inferred type differs throws
   * {@link MappingException} naming the column. A column of another type than evolution gives (one
   * added to the table by other means) takes values as a declared column of that type does.
   */
  public static Object value(String column, DynamoValue value, DeltaType type) {
    if (!type.equals(DeltaType.STRING)) {
      return ValueConverter.convert(column, value, type, null);
    }
    if (value instanceof DynamoValue.S s) {
      return s.value();
    }
    if (value instanceof DynamoValue.N n) {
      return n.text();
    }
    if (value instanceof DynamoValue.Bool || value instanceof DynamoValue.B) {
      throw new MappingException(
          column,
          "expected DynamoDB type S, N, M, L, SS, NS or BS for the evolved string column, got "
              + value.tag());
    }
    return DynamoJson.writeValue(value);
  }

  /**
   * The value for an evolved column from the item's top-level attribute of its name: null where the
   * item lacks it or holds NULL, otherwise as {@link #value} gives it (which throws when it does
   * not fit).
   */
  public static @Nullable Object valueOf(DeltaColumn column, Map<String, DynamoValue> item) {
    DynamoValue v = item.get(column.name());
    return v == null || v instanceof DynamoValue.Null
        ? null
        : value(column.name(), v, column.type());
  }

  /** The silver schema with the evolved columns after {@code _attributes}. */
  public static DeltaTableSchema widen(DeltaTableSchema base, List<DeltaColumn> evolved) {
    if (evolved.isEmpty()) {
      return base;
    }
    List<DeltaColumn> columns = new ArrayList<>(base.columns());
    columns.addAll(evolved);
    return new DeltaTableSchema(columns, base.partitionColumns(), base.plainEncodedColumns());
  }

  /** The table's columns that the mapping's silver schema lacks, in the table's order. */
  public static List<DeltaColumn> evolvedColumns(
      DeltaTableSchema base, List<DeltaColumn> tableColumns) {
    List<DeltaColumn> out = new ArrayList<>();
    for (DeltaColumn c : tableColumns) {
      if (base.indexOf(c.name()) < 0) {
        out.add(c);
      }
    }
    return out;
  }
}
