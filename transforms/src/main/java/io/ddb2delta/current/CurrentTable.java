package io.ddb2delta.current;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.ChangeVersion;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaTableSchema;
import io.ddb2delta.delta.DeltaType;
import io.ddb2delta.delta.KeyedUpsert;
import io.ddb2delta.mapping.ColumnMapping;
import io.ddb2delta.mapping.MappingException;
import io.ddb2delta.mapping.SchemaEvolution;
import io.ddb2delta.mapping.SilverMapper;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.mapping.ValueConverter;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.tables.DeltaTargets;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code <table>_current}: one row per live item of a DynamoDB table, as of the newest change that
 * reached it, typed as its silver rows are.
 *
 * <p>Guarantees: the columns are the mapping's item columns (its silver columns without the
 * change's own, such as {@code event_type}), then {@code _attributes} (every unmapped attribute,
 * DynamoDB JSON), {@code _version} ({@link ChangeVersion}), {@code _source}, {@code
 * _source_position} and {@code _updated_at} (when the row was written); the key columns are the
 * columns that map the table's key attributes. Deletes are remembered as tombstones in {@code
 * <table>_current_tombstones}, so no older change can bring a deleted item back.
 *
 * <p>Given the evolved columns of the table's silver table ({@link SchemaEvolution}), it has them
 * too, after {@code _updated_at} (Delta appends added columns): each holds the typed value of the
 * top-level attribute of its name, null where the item lacks it, where its value does not fit the
 * column's type, or in a row written before the column was added. {@code _attributes} keeps every
 * attribute the mapping's own columns do not map, whether or not a column has evolved for it, so
 * every row holds the whole item whenever it was written.
 */
public final class CurrentTable implements Serializable {
  public static final String VERSION = "_version";

  private final TableMapping mapping;
  private final SilverMapper silver;
  private final int[] itemColumns;
  private final int[] keyColumns;
  private final int[] keyPositions;
  private final DeltaTableSchema schema;
  private final List<DeltaColumn> evolved;

  public CurrentTable(TableMapping mapping) {
    this(mapping, List.of());
  }

  /**
   * @param evolved the columns the silver table has beyond the mapping's, in the table's order
   */
  public CurrentTable(TableMapping mapping, List<DeltaColumn> evolved) {
    this.mapping = mapping;
    this.silver = new SilverMapper(mapping);
    this.evolved = List.copyOf(evolved);
    List<ColumnMapping> columns = mapping.columns();
    List<Integer> items = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).meta() == null) {
        items.add(i);
      }
    }
    this.itemColumns = items.stream().mapToInt(Integer::intValue).toArray();
    this.keyColumns = new int[mapping.keys().size()];
    for (int k = 0; k < keyColumns.length; k++) {
      String key = mapping.keys().get(k);
      keyColumns[k] = -1;
      for (int i : itemColumns) {
        ColumnMapping c = columns.get(i);
        if (c.attribute().isTopLevel() && c.attribute().topLevel().equals(key)) {
          keyColumns[k] = i;
          break;
        }
      }
      if (keyColumns[k] < 0) {
        throw new IllegalArgumentException(
            "the mapping of "
                + mapping.table()
                + " maps no column from its key attribute "
                + key
                + ", which "
                + nameOf(mapping)
                + " is keyed by");
      }
    }
    this.keyPositions = new int[keyColumns.length];
    for (int k = 0; k < keyColumns.length; k++) {
      for (int j = 0; j < itemColumns.length; j++) {
        if (itemColumns[j] == keyColumns[k]) {
          keyPositions[k] = j;
        }
      }
    }
    List<DeltaColumn> out = new ArrayList<>();
    DeltaTableSchema silverSchema = mapping.silverSchema();
    for (int i : itemColumns) {
      out.add(silverSchema.columns().get(i));
    }
    out.add(DeltaColumn.required(TableMapping.ATTRIBUTES_COLUMN, DeltaType.STRING));
    out.add(DeltaColumn.required(VERSION, DeltaType.STRING));
    out.add(DeltaColumn.required("_source", DeltaType.STRING));
    out.add(DeltaColumn.required("_source_position", DeltaType.STRING));
    out.add(DeltaColumn.required("_updated_at", DeltaType.TIMESTAMP));
    for (DeltaColumn c : this.evolved) {
      out.add(DeltaColumn.of(c.name(), c.type()));
    }
    this.schema =
        new DeltaTableSchema(
            out, List.of(), java.util.Set.of(TableMapping.ATTRIBUTES_COLUMN, "_source_position"));
  }

  public static String nameOf(TableMapping mapping) {
    return mapping.table() + "_current";
  }

  public String name() {
    return nameOf(mapping);
  }

  public String tombstonesName() {
    return name() + "_tombstones";
  }

  public String table() {
    return mapping.table();
  }

  public DeltaTableSchema schema() {
    return schema;
  }

  /** The evolved columns, the last of the schema. */
  public List<DeltaColumn> evolvedColumns() {
    return evolved;
  }

  /**
   * Puts the evolved columns' values for the item a change leaves (or removed) at {@code at} of
   * {@code row}: the typed top-level attribute, or null where it is absent or does not fit.
   */
  void putEvolved(DecodedChange change, Object[] row, int at) {
    Map<String, DynamoValue> item = change.record().currentOrLastImage();
    for (DeltaColumn c : evolved) {
      Object typed = null;
      try {
        typed = SchemaEvolution.valueOf(c, item);
      } catch (MappingException | IllegalArgumentException e) {
        // Silver sends such a change to quarantine; the item is still what it is, and
        // _attributes holds the value.
      }
      row[at++] = typed;
    }
  }

  /** The DynamoDB table's key attributes. */
  public List<String> keyAttributes() {
    return mapping.keys();
  }

  public List<String> keyColumns() {
    List<String> names = new ArrayList<>();
    for (int k : keyColumns) {
      names.add(mapping.columns().get(k).name());
    }
    return names;
  }

  /**
   * How many leading columns describe the item itself: the mapping's item columns and {@code
   * _attributes}, before {@code _version} and the other bookkeeping columns.
   */
  public int itemWidth() {
    return itemColumns.length + 1;
  }

  /**
   * A live item as its row's leading {@link #itemWidth} values, typed as a change leaving that item
   * would be; throws {@link MappingException} naming the column when a value cannot be typed.
   */
  public Object[] itemRow(Map<String, DynamoValue> item) {
    Object[] row = new Object[itemWidth()];
    putItem(silver.mapItem(item), row);
    return row;
  }

  /**
   * Puts a silver-typed row's item columns and its {@code _attributes} (last) at the start of
   * {@code row}; returns the position after them.
   */
  private int putItem(Object[] typed, Object[] row) {
    int at = 0;
    for (int i : itemColumns) {
      row[at++] = typed[i];
    }
    row[at++] = typed[typed.length - 1];
    return at;
  }

  /**
   * Puts the item a change leaves, or for a REMOVE the item it removed (its old image, or just its
   * keys), at the start of {@code row} as {@link #itemWidth} values typed as silver types them;
   * returns the position after them. Throws {@link MappingException} when a value cannot be typed.
   */
  int putChangedItem(DecodedChange change, long processingMicros, Object[] row) {
    return putItem(silver.map(change.record(), processingMicros, change.image()), row);
  }

  /** The positions of the key columns among the leading {@link #itemWidth} values. */
  public int[] keyPositions() {
    return keyPositions.clone();
  }

  /** The version-guarded upsert of this table under a root, with its tombstones. */
  public KeyedUpsert upsert(String deltaRoot, long targetFileBytes) {
    return KeyedUpsert.into(DeltaTargets.pathOf(deltaRoot, name()), schema, keyColumns())
        .withVersionColumn(VERSION)
        .withVersionOrder(CurrentTable::newest)
        .withTargetFileBytes(targetFileBytes)
        .withTombstones(DeltaTargets.pathOf(deltaRoot, tombstonesName()));
  }

  /** {@link ChangeVersion#newest} of {@code _version} texts. */
  static int newest(List<Object> versions) {
    List<String> texts = new ArrayList<>(versions.size());
    versions.forEach(v -> texts.add((String) v));
    return ChangeVersion.newest(texts);
  }

  /**
   * What a change does to this table: a put of the item it leaves (SNAPSHOT, INSERT, MODIFY) or the
   * delete of its key (REMOVE), at its {@link ChangeVersion}; null when the item cannot be typed
   * (the change is then in quarantine, with the reason, and the row keeps its older value).
   */
  public KeyedUpsert.@Nullable Change change(
      KeyedUpsert upsert, DecodedChange change, long processingMicros) {
    ChangeRecord r = change.record();
    String version = ChangeVersion.of(r);
    try {
      if (r.op() == Op.REMOVE) {
        // A put is checked as silver types it; a delete is checked here, as quarantine was.
        silver.checkKeys(r);
        List<Object> key = new ArrayList<>(keyColumns.length);
        for (int k : keyColumns) {
          ColumnMapping c = mapping.columns().get(k);
          DynamoValue v = c.attribute().resolve(r.keys());
          if (v == null) {
            return null;
          }
          key.add(ValueConverter.convert(c.name(), v, c.type(), c.timestampFormat()));
        }
        return upsert.delete(key, version);
      }
      Object[] row = new Object[schema.columns().size()];
      int at = putChangedItem(change, processingMicros, row);
      row[at++] = version;
      row[at++] = r.source().label();
      row[at++] = r.position().toString();
      row[at++] = processingMicros;
      putEvolved(change, row, at);
      return upsert.put(row);
    } catch (MappingException | IllegalArgumentException e) {
      return null;
    }
  }
}
