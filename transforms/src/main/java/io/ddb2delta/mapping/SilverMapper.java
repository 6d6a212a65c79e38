package io.ddb2delta.mapping;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaTableSchema;
import io.ddb2delta.delta.DeltaType;
import io.ddb2delta.model.DynamoJson;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.model.RawItem;
import java.io.Serializable;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Types a change record into one silver row, following a {@link TableMapping}.
 *
 * <p>Guarantees: the row has one value per silver column, in schema order; every attribute not
 * mapped as a whole lands in {@code _attributes} as DynamoDB JSON, so nothing is lost; a value that
 * cannot be typed throws {@link MappingException} naming the column, never a silent null. A REMOVE
 * is typed from its old image, or from its keys when there is none. A change whose keys are not the
 * mapping's key attributes, or whose image disagrees with its keys, throws {@link
 * KeyMismatchException}: a table keyed by the mapping has no place for it.
 *
 * <p>A mapper given the evolved columns of its silver table ({@link SchemaEvolution}) fills them,
 * after {@code _attributes}, from the top-level attributes of their names, which then no longer go
 * to {@code _attributes}; it never adds a column itself, but names the ones a record proposes
 * ({@link #proposeColumns}).
 */
public final class SilverMapper implements Serializable {
  private final TableMapping mapping;
  private final DeltaTableSchema schema;
  private final List<ColumnMapping> columns;
  private final List<DeltaColumn> evolved;
  private final Set<String> mappedTopLevel;
  // Lower-cased names a new column may not take: the columns, and _attributes.
  private final Set<String> takenNames;

  public SilverMapper(TableMapping mapping) {
    this(mapping, List.of());
  }

  /**
   * @param evolved the columns the silver table has beyond the mapping's, in the table's order
   */
  public SilverMapper(TableMapping mapping, List<DeltaColumn> evolved) {
    this.mapping = mapping;
    this.evolved = List.copyOf(evolved);
    this.schema = SchemaEvolution.widen(mapping.silverSchema(), this.evolved);
    this.columns = mapping.columns();
    Set<String> mapped = new LinkedHashSet<>(mapping.mappedTopLevelAttributes());
    Set<String> taken = new HashSet<>();
    for (DeltaColumn c : schema.columns()) {
      taken.add(SchemaEvolution.nameKey(c.name()));
    }
    for (DeltaColumn c : this.evolved) {
      mapped.add(c.name());
    }
    this.mappedTopLevel = mapped;
    this.takenNames = Set.copyOf(taken);
  }

  public TableMapping mapping() {
    return mapping;
  }

  /** The silver schema: the mapping's, then the evolved columns. */
  public DeltaTableSchema schema() {
    return schema;
  }

  /** The evolved columns this mapper fills, after {@code _attributes}. */
  public List<DeltaColumn> evolvedColumns() {
    return evolved;
  }

  /**
   * Hands {@code to} each top-level attribute of {@code image} that would become a new column under
   * {@code evolve: true}, with its inferred type: one that no column maps, whose name is a column
   * name ({@link SchemaEvolution#isColumnName}) no column takes (ignoring case), and whose value is
   * not NULL. Nothing when the mapping does not evolve.
   */
  public void proposeColumns(Map<String, DynamoValue> image, BiConsumer<String, DeltaType> to) {
    if (!mapping.evolve()) {
      return;
    }
    for (Map.Entry<String, DynamoValue> e : image.entrySet()) {
      String name = e.getKey();
      if (mappedTopLevel.contains(name)
          || !SchemaEvolution.isColumnName(name)
          || takenNames.contains(SchemaEvolution.nameKey(name))) {
        continue;
      }
      DeltaType type = SchemaEvolution.inferredType(e.getValue());
      if (type != null) {
        to.accept(name, type);
      }
    }
  }

  public Object[] map(ChangeRecord record, long processingMicros) {
    return map(record, processingMicros, null);
  }

  /**
   * As {@link #map(ChangeRecord, long)}; where the decoder kept the original text of the image
   * being typed, {@code _attributes} is cut from it rather than encoded again.
   */
  public Object[] map(ChangeRecord record, long processingMicros, @Nullable RawItem rawImage) {
    checkKeys(record);
    Map<String, DynamoValue> image = record.currentOrLastImage();
    Object[] row = new Object[columns.size() + 1 + evolved.size()];
    typeInto(row, record, image, processingMicros);
    row[columns.size()] =
        rawImage != null ? rawImage.except(mappedTopLevel) : unmappedAttributes(image);
    evolvedInto(row, image);
    return row;
  }

  /**
   * Throws {@link KeyMismatchException} unless the record's keys are exactly the mapping's key
   * attributes and each image it carries holds the same values for them.
   */
  public void checkKeys(ChangeRecord record) {
    Map<String, DynamoValue> keys = record.keys();
    List<String> expected = mapping.keys();
    if (keys.size() != expected.size() || !keys.keySet().containsAll(expected)) {
      throw new KeyMismatchException(
          expected.get(0),
          "the change's key attributes "
              + new java.util.TreeSet<>(keys.keySet())
              + " are not the key attributes "
              + expected
              + " that the mapping of table "
              + mapping.table()
              + " is keyed by; check that the mapping matches the table's key schema");
    }
    checkImage(record.newImage(), "new", keys);
    checkImage(record.oldImage(), "old", keys);
  }

  private void checkImage(
      @Nullable Map<String, DynamoValue> image, String which, Map<String, DynamoValue> keys) {
    if (image == null) {
      return;
    }
    for (String key : mapping.keys()) {
      DynamoValue inImage = image.get(key);
      if (!keys.get(key).equals(inImage)) {
        throw new KeyMismatchException(
            key,
            "the "
                + which
                + " image's key attribute "
                + key
                + " is "
                + (inImage == null ? "missing" : DynamoJson.writeValue(inImage))
                + ", but the change's key is "
                + DynamoJson.writeValue(keys.get(key)));
      }
    }
  }

  /**
   * The declared columns (without {@code _attributes}) typed from one image of the record, such as
   * a MODIFY's old image, by the same rules as {@link #map}; meta columns come from the record.
   */
  public Object[] typeImage(
      ChangeRecord record, Map<String, DynamoValue> image, long processingMicros) {
    Object[] row = new Object[columns.size()];
    typeInto(row, record, image, processingMicros);
    return row;
  }

  /**
   * An item by itself, as a live table holds it: the declared columns typed from it by the rules of
   * {@link #map} (meta columns, which describe a change, null), then {@code _attributes}.
   */
  public Object[] mapItem(Map<String, DynamoValue> item) {
    Object[] row = new Object[columns.size() + 1 + evolved.size()];
    for (int i = 0; i < columns.size(); i++) {
      ColumnMapping c = columns.get(i);
      row[i] = c.meta() != null ? null : attributeValue(c, item);
    }
    row[columns.size()] = unmappedAttributes(item);
    evolvedInto(row, item);
    return row;
  }

  private void evolvedInto(Object[] row, Map<String, DynamoValue> image) {
    int at = columns.size() + 1;
    for (DeltaColumn c : evolved) {
      row[at++] = SchemaEvolution.valueOf(c, image);
    }
  }

  private void typeInto(
      Object[] row, ChangeRecord record, Map<String, DynamoValue> image, long processingMicros) {
    for (int i = 0; i < columns.size(); i++) {
      row[i] = value(columns.get(i), record, image, processingMicros);
    }
  }

  private static Object value(
      ColumnMapping column,
      ChangeRecord record,
      Map<String, DynamoValue> image,
      long processingMicros) {
    if (column.meta() != null) {
      return switch (column.meta()) {
        case EVENT_TYPE -> record.op().name();
        case EVENT_TIMESTAMP -> record.eventTimeMicros();
        case PROCESSING_TIMESTAMP -> processingMicros;
        case EVENT_ID -> record.eventId();
        case SOURCE -> record.source().label();
        case SOURCE_POSITION -> record.position().toString();
        case TABLE_NAME -> record.tableName();
      };
    }
    return attributeValue(column, image);
  }

  private static @Nullable Object attributeValue(
      ColumnMapping column, Map<String, DynamoValue> image) {
    DynamoValue v = column.attribute().resolve(image);
    if (v == null || v instanceof DynamoValue.Null) {
      if (column.required()) {
        throw new MappingException(
            column.name(),
            (v == null ? "attribute " : "attribute is NULL: ")
                + column.attribute()
                + (v == null ? " is missing" : "")
                + " but the column is required");
      }
      return null;
    }
    return ValueConverter.convert(column.name(), v, column.type(), column.timestampFormat());
  }

  private String unmappedAttributes(Map<String, DynamoValue> image) {
    if (mappedTopLevel.isEmpty()) {
      return DynamoJson.writeItem(image);
    }
    Map<String, DynamoValue> rest = null;
    for (Map.Entry<String, DynamoValue> e : image.entrySet()) {
      if (!mappedTopLevel.contains(e.getKey())) {
        if (rest == null) {
          rest = new LinkedHashMap<>();
        }
        rest.put(e.getKey(), e.getValue());
      }
    }
    return rest == null ? "{}" : DynamoJson.writeItem(rest);
  }
}
