package io.ddb2delta.current;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.ChangeVersion;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaTableSchema;
import io.ddb2delta.delta.DeltaType;
import io.ddb2delta.delta.KeyedUpsert;
import io.ddb2delta.mapping.MappingException;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.tables.DeltaTargets;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code <table>_history}: every version of every item of a DynamoDB table (slowly changing
 * dimension, type 2), for the mappings that ask for it ({@code history: true}).
 *
 * <p>Guarantees: the columns are {@code <table>_current}'s item columns and {@code _attributes},
 * then {@code op} (SNAPSHOT, INSERT, MODIFY or REMOVE), {@code valid_from} (the change's event
 * time), {@code valid_to} (the next version's {@code valid_from}; null for an item's last version),
 * {@code is_current} (the item's last version, unless a REMOVE), {@code _version} ({@link
 * ChangeVersion}), {@code _source}, {@code _source_position} and {@code _updated_at} (when the row
 * was last written). There is one row per item and distinct version: a change delivered twice
 * counts once, and a REMOVE keeps the item it removed (or just its keys). The rows of an item are
 * ordered by {@code _version} ({@link ChangeVersion#ordered}: Kinesis changes of one time by their
 * images, whatever order they came in) and {@code valid_to} and {@code is_current} are recomputed
 * from their neighbours at every merge that touches the item, so the table does not depend on the
 * order, duplication or batching in which changes arrive: a late change between two versions moves
 * its predecessor's {@code valid_to}. Keyed by the item's key columns and {@code _version}; files
 * keep ranges of the first key column apart, so all versions of an item are read and rewritten
 * together.
 */
public final class HistoryTable implements Serializable {
  public static final String OP = "op";
  public static final String VALID_FROM = "valid_from";
  public static final String VALID_TO = "valid_to";
  public static final String IS_CURRENT = "is_current";

  private final CurrentTable current;
  private final DeltaTableSchema schema;
  private final int[] itemKeys;
  private final int op;
  private final int validFrom;
  private final int validTo;
  private final int isCurrent;
  private final int version;
  private final int updatedAt;

  public HistoryTable(TableMapping mapping) {
    this(mapping, List.of());
  }

  /**
   * @param evolved the columns the silver table has beyond the mapping's, in the table's order; the
   *     history has them after {@code _updated_at}, filled as {@link CurrentTable} fills them
   */
  public HistoryTable(TableMapping mapping, List<DeltaColumn> evolved) {
    this.current = new CurrentTable(mapping, evolved);
    int width = current.itemWidth();
    List<DeltaColumn> out = new ArrayList<>(current.schema().columns().subList(0, width));
    out.add(DeltaColumn.required(OP, DeltaType.STRING));
    out.add(DeltaColumn.required(VALID_FROM, DeltaType.TIMESTAMP));
    out.add(DeltaColumn.of(VALID_TO, DeltaType.TIMESTAMP));
    out.add(DeltaColumn.required(IS_CURRENT, DeltaType.BOOLEAN));
    out.add(DeltaColumn.required(CurrentTable.VERSION, DeltaType.STRING));
    out.add(DeltaColumn.required("_source", DeltaType.STRING));
    out.add(DeltaColumn.required("_source_position", DeltaType.STRING));
    out.add(DeltaColumn.required("_updated_at", DeltaType.TIMESTAMP));
    for (DeltaColumn c : current.evolvedColumns()) {
      out.add(DeltaColumn.of(c.name(), c.type()));
    }
    this.schema =
        new DeltaTableSchema(
            out, List.of(), Set.of(TableMapping.ATTRIBUTES_COLUMN, "_source_position"));
    this.itemKeys = current.keyPositions();
    this.op = width;
    this.validFrom = width + 1;
    this.validTo = width + 2;
    this.isCurrent = width + 3;
    this.version = width + 4;
    this.updatedAt = width + 7;
  }

  public static String nameOf(TableMapping mapping) {
    return mapping.table() + "_history";
  }

  public String name() {
    return current.table() + "_history";
  }

  public DeltaTableSchema schema() {
    return schema;
  }

  /** The item's key columns, then {@code _version}. */
  public List<String> keyColumns() {
    List<String> keys = new ArrayList<>(current.keyColumns());
    keys.add(CurrentTable.VERSION);
    return keys;
  }

  /**
   * The upsert of this table under a root. Apply its batches with {@link #merge}: a plain put would
   * leave the neighbours' {@code valid_to} and {@code is_current} as they were.
   */
  public KeyedUpsert upsert(String deltaRoot, long targetFileBytes) {
    return KeyedUpsert.into(DeltaTargets.pathOf(deltaRoot, name()), schema, keyColumns())
        .withTargetFileBytes(targetFileBytes);
  }

  /**
   * The row a change adds: the item it leaves, or for a REMOVE the item it removed, at its {@link
   * ChangeVersion}; {@code valid_to} and {@code is_current} are set when it is merged. Null when
   * the item cannot be typed (the change is then in quarantine, with the reason).
   */
  public KeyedUpsert.@Nullable Change change(
      KeyedUpsert upsert, DecodedChange change, long processingMicros) {
    ChangeRecord r = change.record();
    try {
      Object[] row = new Object[schema.columns().size()];
      int at = current.putChangedItem(change, processingMicros, row);
      row[at++] = r.op().name();
      row[at++] = r.eventTimeMicros();
      row[at++] = null;
      row[at++] = false;
      row[at++] = ChangeVersion.of(r);
      row[at++] = r.source().label();
      row[at++] = r.position().toString();
      row[at++] = processingMicros;
      current.putEvolved(change, row, at);
      return upsert.put(row);
    } catch (MappingException | IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Applies one batch of {@link #change} rows as batch {@code batch} of {@code appId}: each key
   * range's rows are its rows and the batch's, one per item and version (an existing row wins over
   * the same version again), with {@code valid_to} and {@code is_current} recomputed for the items
   * the batch touches; a row whose values change is stamped {@code processingMicros}.
   */
  public KeyedUpsert.Result merge(
      KeyedUpsert upsert,
      String appId,
      long batch,
      List<KeyedUpsert.Change> changes,
      long processingMicros) {
    return upsert.apply(
        appId, batch, changes, (existing, in) -> rangeAfter(existing, in, processingMicros));
  }

  private List<Object[]> rangeAfter(
      List<Object[]> existing, List<KeyedUpsert.Change> changes, long processingMicros) {
    // Only the items the batch touches are regrouped; every other row stays as it is.
    Map<List<Object>, Map<String, Object[]>> touched = new LinkedHashMap<>();
    for (KeyedUpsert.Change c : changes) {
      if (c.row() != null) {
        touched.putIfAbsent(itemKey(c.row()), new HashMap<>());
      }
    }
    List<Object[]> out = new ArrayList<>(existing.size() + changes.size());
    for (Object[] row : existing) {
      Map<String, Object[]> versions = touched.get(itemKey(row));
      if (versions == null) {
        out.add(row);
      } else {
        versions.put((String) row[version], row);
      }
    }
    for (KeyedUpsert.Change c : changes) {
      Object[] row = c.row();
      if (row != null) {
        // Equal versions are the same change delivered again: the row already there stays.
        touched.get(itemKey(row)).putIfAbsent((String) row[version], row);
      }
    }
    for (Map<String, Object[]> item : touched.values()) {
      List<Object[]> versions = new ArrayList<>(item.size());
      for (String v : ChangeVersion.ordered(item.keySet())) {
        versions.add(item.get(v));
      }
      for (int i = 0; i < versions.size(); i++) {
        Object[] row = versions.get(i);
        boolean last = i == versions.size() - 1;
        Object to = last ? null : versions.get(i + 1)[validFrom];
        Boolean live = last && !Op.REMOVE.name().equals(row[op]);
        if (!Objects.equals(row[validTo], to) || !live.equals(row[isCurrent])) {
          row = row.clone();
          row[validTo] = to;
          row[isCurrent] = live;
          row[updatedAt] = processingMicros;
        }
        out.add(row);
      }
    }
    return out;
  }

  private List<Object> itemKey(Object[] row) {
    List<Object> key = new ArrayList<>(itemKeys.length);
    for (int k : itemKeys) {
      key.add(row[k]);
    }
    return key;
  }
}
