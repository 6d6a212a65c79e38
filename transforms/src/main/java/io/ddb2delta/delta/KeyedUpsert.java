package io.ddb2delta.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A keyed, version-guarded copy-on-write upsert into one unpartitioned Delta table.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>each batch is one {@code MERGE} commit of removes, adds and {@code SetTransaction(appId,
 *       batch)}: a retried batch commits nothing, and readers see the whole batch or none of it;
 *   <li>a batch leaves at most one row per key that it changed: a put replaces the row of its key
 *       or adds it, a delete removes it;
 *   <li>with a version column, a change never replaces or deletes a row of a newer version; of a
 *       batch's changes to one key, the newest version counts (the later one on a tie);
 *   <li>only files whose key statistics can hold a changed key are read, and only those that hold a
 *       row the batch changes are rewritten; the rest stay as they are;
 *   <li>a concurrent commit to the table makes the batch be planned again on the new version
 *       ({@link DeltaTable#rewrite}), so it never overwrites what it did not read.
 * </ul>
 *
 * <p>A delete keeps no tombstone: a put of an older version that arrives after it adds the key
 * again. Not thread-safe.
 */
public final class KeyedUpsert {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ATTEMPTS = 10;

  private final String tableRoot;
  private final DeltaTable table;
  private final DeltaTableSchema schema;
  private final List<String> keyColumns;
  private final int[] keys;
  private final int version;
  private final long targetFileBytes;
  private final ParquetRowReader reader;

  private KeyedUpsert(
      String tableRoot,
      DeltaTableSchema schema,
      List<String> keyColumns,
      @Nullable String versionColumn,
      long targetFileBytes) {
    this.tableRoot = Objects.requireNonNull(tableRoot, "tableRoot");
    this.schema = Objects.requireNonNull(schema, "schema");
    if (keyColumns.isEmpty()) {
      throw new IllegalArgumentException("an upsert needs at least one key column");
    }
    this.keyColumns = List.copyOf(keyColumns);
    this.keys = keyColumns.stream().mapToInt(c -> indexOf(schema, c)).toArray();
    this.version = versionColumn == null ? -1 : indexOf(schema, versionColumn);
    if (version >= 0 && !(schema.columns().get(version).type().equals(DeltaType.LONG))) {
      throw new IllegalArgumentException("the version column " + versionColumn + " must be BIGINT");
    }
    if (targetFileBytes <= 0) {
      throw new IllegalArgumentException("targetFileBytes must be positive");
    }
    this.targetFileBytes = targetFileBytes;
    this.reader = new ParquetRowReader(schema);
    this.table = DeltaTable.forPath(tableRoot);
  }

  /** An upsert by the given key columns, without a version: the latest change always wins. */
  public static KeyedUpsert into(String tableRoot, DeltaTableSchema schema, List<String> keys) {
    return new KeyedUpsert(tableRoot, schema, keys, null, DeltaFileWriter.DEFAULT_TARGET_FILE_SIZE);
  }

  /** The same upsert, guarded by a BIGINT column: an older version never replaces a newer one. */
  public KeyedUpsert withVersionColumn(String column) {
    return new KeyedUpsert(tableRoot, schema, keyColumns, column, targetFileBytes);
  }

  public KeyedUpsert withTargetFileBytes(long bytes) {
    String v = version < 0 ? null : schema.columns().get(version).name();
    return new KeyedUpsert(tableRoot, schema, keyColumns, v, bytes);
  }

  /**
   * One change of a batch: a row to put, or, with a null row, the delete of a key.
   *
   * @param version the change's version; ignored without a version column
   */
  public record Change(List<Object> key, Object @Nullable [] row, long version) {
    public Change {
      key = List.copyOf(key);
    }
  }

  /** A put of a row; its key and version are read from the row's columns. */
  public Change put(Object[] row) {
    if (row.length != schema.columns().size()) {
      throw new IllegalArgumentException(
          "a row of "
              + tableRoot
              + " has "
              + schema.columns().size()
              + " values, not "
              + row.length);
    }
    return new Change(keyOf(row), row.clone(), version < 0 ? 0 : versionOf(row));
  }

  /** A delete of the row with these key values (in key-column order), at a version. */
  public Change delete(List<Object> key, long atVersion) {
    if (key.size() != keys.length) {
      throw new IllegalArgumentException(
          "a key of " + tableRoot + " has " + keys.length + " values");
    }
    return new Change(key, null, atVersion);
  }

  /** The last batch of {@code appId} the table holds, or -1: the next batch is one more. */
  public long committedBatch(String appId) {
    return table.txnVersion(appId);
  }

  /** What a batch did, with Delta's own MERGE metric names. */
  public record Result(CommitResult commit, Map<String, Long> metrics) {}

  /** Applies one batch of changes as batch number {@code batch} of {@code appId}. */
  public Result apply(String appId, long batch, Collection<Change> changes) {
    Map<List<Object>, Change> byKey = new LinkedHashMap<>();
    for (Change c : changes) {
      byKey.merge(c.key(), c, (a, b) -> b.version() >= a.version() ? b : a);
    }
    Map<String, Long> metrics = new LinkedHashMap<>();
    CommitResult commit =
        table.rewrite(
            appId, batch, Map.of(), ATTEMPTS, files -> plan(files, byKey, batch, metrics));
    return new Result(commit, Map.copyOf(metrics));
  }

  private DeltaTable.Rewrite plan(
      List<DataFile> files,
      Map<List<Object>, Change> byKey,
      long batch,
      Map<String, Long> metrics) {
    long started = System.currentTimeMillis();
    List<DataFile> candidates = new ArrayList<>();
    for (DataFile f : files) {
      if (mayHoldAny(f, byKey.keySet())) {
        candidates.add(f);
      }
    }
    List<DataFile> removed = new ArrayList<>();
    List<Object[]> out = new ArrayList<>();
    Set<List<Object>> found = new HashSet<>();
    long copied = 0;
    long updated = 0;
    long deleted = 0;
    for (DataFile f : candidates) {
      List<Object[]> rows = new ArrayList<>();
      reader.read(tableRoot, f.path(), rows::add);
      List<Object[]> kept = new ArrayList<>(rows.size());
      long fileUpdated = 0;
      long fileDeleted = 0;
      for (Object[] row : rows) {
        List<Object> key = keyOf(row);
        Change c = byKey.get(key);
        if (c == null || (version >= 0 && c.version() < versionOf(row))) {
          kept.add(row);
          if (c != null) {
            found.add(key);
          }
          continue;
        }
        found.add(key);
        if (c.row() == null) {
          fileDeleted++;
        } else {
          kept.add(c.row());
          fileUpdated++;
        }
      }
      if (fileUpdated + fileDeleted > 0) {
        removed.add(f);
        out.addAll(kept);
        copied += kept.size() - fileUpdated;
        updated += fileUpdated;
        deleted += fileDeleted;
      }
    }
    long inserted = 0;
    for (Map.Entry<List<Object>, Change> e : byKey.entrySet()) {
      if (!found.contains(e.getKey()) && e.getValue().row() != null) {
        out.add(e.getValue().row());
        inserted++;
      }
    }
    out.sort(this::compareKeys);
    List<DataFile> added = List.of();
    if (!out.isEmpty()) {
      try (DeltaFileWriter w =
          new DeltaFileWriter(tableRoot, schema, targetFileBytes, "part-upsert-b" + batch)) {
        out.forEach(w::write);
        added = w.finish();
      }
    }
    metrics.clear();
    metrics.put("numSourceRows", (long) byKey.size());
    metrics.put("numTargetRowsInserted", inserted);
    metrics.put("numTargetRowsUpdated", updated);
    metrics.put("numTargetRowsDeleted", deleted);
    metrics.put("numTargetRowsCopied", copied);
    metrics.put("numOutputRows", (long) out.size());
    metrics.put("numTargetFilesBeforeSkipping", (long) files.size());
    metrics.put("numTargetFilesAfterSkipping", (long) candidates.size());
    metrics.put("numTargetFilesRemoved", (long) removed.size());
    metrics.put("numTargetFilesAdded", (long) added.size());
    metrics.put("numTargetBytesRemoved", removed.stream().mapToLong(DataFile::sizeBytes).sum());
    metrics.put("numTargetBytesAdded", added.stream().mapToLong(DataFile::sizeBytes).sum());
    metrics.put("executionTimeMs", System.currentTimeMillis() - started);
    Map<String, String> asText = new LinkedHashMap<>();
    metrics.forEach((k, v) -> asText.put(k, Long.toString(v)));
    return new DeltaTable.Rewrite(removed, added, asText);
  }

  /** False only when the file's key statistics rule out every key. */
  private boolean mayHoldAny(DataFile f, Set<List<Object>> changed) {
    JsonNode stats;
    try {
      stats = JSON.readTree(f.statsJson());
    } catch (IOException e) {
      return true;
    }
    JsonNode min = stats.path("minValues");
    JsonNode max = stats.path("maxValues");
    Bound[] bounds = new Bound[keys.length];
    for (int k = 0; k < keys.length; k++) {
      DeltaColumn c = schema.columns().get(keys[k]);
      bounds[k] = new Bound(c.type(), min.get(c.name()), max.get(c.name()));
    }
    for (List<Object> key : changed) {
      boolean inside = true;
      for (int k = 0; k < keys.length && inside; k++) {
        inside = bounds[k].mayHold(key.get(k));
      }
      if (inside) {
        return true;
      }
    }
    return false;
  }

  /**
   * A file's bounds on one key column, as {@link FileStats} writes them; a missing or unreadable
   * bound rules nothing out.
   */
  private record Bound(DeltaType type, @Nullable JsonNode min, @Nullable JsonNode max) {
    boolean mayHold(Object value) {
      return (min == null || compare(value, min) >= 0) && (max == null || compare(value, max) <= 0);
    }

    /** The value against a bound; 0 (may hold) when they cannot be compared. */
    private int compare(Object value, JsonNode bound) {
      try {
        if (value instanceof String s && bound.isTextual()) {
          return s.compareTo(bound.textValue());
        }
        if (type.equals(DeltaType.TIMESTAMP) && value instanceof Long micros) {
          Instant b = Instant.parse(bound.textValue());
          long boundMicros = b.getEpochSecond() * 1_000_000L + b.getNano() / 1_000;
          return Long.compare(micros, boundMicros);
        }
        if (type.equals(DeltaType.DATE) && value instanceof Integer days) {
          return Long.compare(days, LocalDate.parse(bound.textValue()).toEpochDay());
        }
        if (value instanceof Long || value instanceof Integer) {
          return Long.compare(((Number) value).longValue(), bound.asLong());
        }
        if (value instanceof Double d) {
          return Double.compare(d, bound.asDouble());
        }
        if (value instanceof BigDecimal d) {
          return d.compareTo(bound.decimalValue());
        }
      } catch (RuntimeException e) {
        return 0;
      }
      return 0;
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private int compareKeys(Object[] a, Object[] b) {
    for (int k : keys) {
      Comparable x = (Comparable) a[k];
      Comparable y = (Comparable) b[k];
      int c = Comparator.<Comparable>nullsFirst(Comparator.naturalOrder()).compare(x, y);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private List<Object> keyOf(Object[] row) {
    List<Object> key = new ArrayList<>(keys.length);
    for (int k : keys) {
      if (row[k] == null) {
        throw new IllegalArgumentException(
            "key column " + schema.columns().get(k).name() + " of " + tableRoot + " is null");
      }
      key.add(row[k]);
    }
    return List.copyOf(key);
  }

  private long versionOf(Object[] row) {
    Object v = row[version];
    if (!(v instanceof Long l)) {
      throw new IllegalArgumentException(
          "version column "
              + schema.columns().get(version).name()
              + " of "
              + tableRoot
              + " holds "
              + v
              + ", not a BIGINT");
    }
    return l;
  }

  private static int indexOf(DeltaTableSchema schema, String column) {
    int i = schema.indexOf(column);
    if (i < 0) {
      throw new IllegalArgumentException("no column " + column + " in " + schema.columns());
    }
    return i;
  }
}
