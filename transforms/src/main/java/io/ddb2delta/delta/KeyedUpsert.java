package io.ddb2delta.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
 *   <li>with a version column (BIGINT, or STRING compared as text, or as a {@link VersionOrder}
 *       says), a change never replaces or deletes a row of a newer version; of a batch's changes to
 *       one key, the newest version counts (the later one on a tie), chosen together with the
 *       version the table holds;
 *   <li>with tombstones ({@link #withTombstones}), a delete is remembered with its version in a
 *       table of its own, committed before the batch's MERGE under the same transaction, so a put
 *       of an older version that arrives later changes nothing; a put newer than the tombstone
 *       brings the key back and retires the tombstone;
 *   <li>files keep ranges of the first key column apart: only the files whose range holds a changed
 *       key are read, only those where a change applies are rewritten (into files of the same
 *       range), and new keys between ranges become files of their own or join a small neighbour;
 *       the rest stay as they are, and memory holds one range at a time;
 *   <li>a concurrent commit to the table makes the batch be planned again on the new version
 *       ({@link DeltaTable#rewrite}), so it never overwrites what it did not read;
 *   <li>with a {@link RangeMerge} ({@link #apply(String, long, Collection, RangeMerge)}), the
 *       caller decides a range's rows from the rows it holds and the batch's changes in it, under
 *       the same commit, transaction, layout and file choice; a range whose rows it leaves as they
 *       were is not rewritten.
 * </ul>
 *
 * <p>Without tombstones a put of an older version that arrives after a delete adds the key again.
 * Each table has one writer; not thread-safe.
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
  private final @Nullable String tombstoneRoot;
  private final @Nullable KeyedUpsert tombstones;
  private final VersionOrder order;

  private KeyedUpsert(
      String tableRoot,
      DeltaTableSchema schema,
      List<String> keyColumns,
      @Nullable String versionColumn,
      long targetFileBytes,
      @Nullable String tombstoneRoot,
      VersionOrder order) {
    this.tableRoot = Objects.requireNonNull(tableRoot, "tableRoot");
    this.schema = Objects.requireNonNull(schema, "schema");
    if (keyColumns.isEmpty()) {
      throw new IllegalArgumentException("an upsert needs at least one key column");
    }
    this.keyColumns = List.copyOf(keyColumns);
    this.keys = keyColumns.stream().mapToInt(c -> indexOf(schema, c)).toArray();
    this.version = versionColumn == null ? -1 : indexOf(schema, versionColumn);
    if (version >= 0
        && !schema.columns().get(version).type().equals(DeltaType.LONG)
        && !schema.columns().get(version).type().equals(DeltaType.STRING)) {
      throw new IllegalArgumentException(
          "the version column " + versionColumn + " must be BIGINT or STRING");
    }
    if (targetFileBytes <= 0) {
      throw new IllegalArgumentException("targetFileBytes must be positive");
    }
    this.targetFileBytes = targetFileBytes;
    this.order = Objects.requireNonNull(order, "order");
    this.reader = new ParquetRowReader(schema);
    this.table = DeltaTable.forPath(tableRoot);
    this.tombstoneRoot = tombstoneRoot;
    if (tombstoneRoot != null) {
      if (version < 0) {
        throw new IllegalArgumentException("tombstones need a version column");
      }
      DeltaTableSchema t = tombstoneSchema();
      DeltaTable.forPath(tombstoneRoot).createIfAbsent(tombstoneName(tableRoot), t, Map.of());
      this.tombstones =
          new KeyedUpsert(
              tombstoneRoot,
              t,
              keyColumns,
              schema.columns().get(version).name(),
              targetFileBytes,
              null,
              order);
    } else {
      this.tombstones = null;
    }
  }

  /** The column of a tombstone that says when its delete was applied. */
  public static final String DELETED_AT = "_deleted_at";

  /** The tombstone table's schema: the key columns, the version column and {@link #DELETED_AT}. */
  public DeltaTableSchema tombstoneSchema() {
    List<DeltaColumn> columns = new ArrayList<>();
    for (int k : keys) {
      columns.add(schema.columns().get(k));
    }
    columns.add(schema.columns().get(version));
    columns.add(DeltaColumn.required(DELETED_AT, DeltaType.TIMESTAMP));
    return new DeltaTableSchema(columns, List.of(), Set.of());
  }

  private static String tombstoneName(String root) {
    String trimmed = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    return trimmed.substring(trimmed.lastIndexOf('/') + 1) + "_tombstones";
  }

  /** An upsert by the given key columns, without a version: the latest change always wins. */
  public static KeyedUpsert into(String tableRoot, DeltaTableSchema schema, List<String> keys) {
    return new KeyedUpsert(
        tableRoot,
        schema,
        keys,
        null,
        DeltaFileWriter.DEFAULT_TARGET_FILE_SIZE,
        null,
        KeyedUpsert::greatest);
  }

  /** Which of some versions of one key is the newest. */
  @FunctionalInterface
  public interface VersionOrder {
    /**
     * The position of the newest of {@code versions} (Longs or Strings, as the version column), the
     * later position among equal ones.
     */
    int newest(List<Object> versions);
  }

  /** The greatest version, the later among equal ones: the order without a {@link VersionOrder}. */
  private static int greatest(List<Object> versions) {
    int best = 0;
    for (int i = 1; i < versions.size(); i++) {
      if (compareVersions(versions.get(i), versions.get(best)) >= 0) {
        best = i;
      }
    }
    return best;
  }

  /**
   * The same upsert, guarded by a BIGINT or STRING column: an older version never replaces a newer
   * one.
   */
  public KeyedUpsert withVersionColumn(String column) {
    return new KeyedUpsert(
        tableRoot, schema, keyColumns, column, targetFileBytes, tombstoneRoot, order);
  }

  /**
   * The same upsert, its versions (and its tombstones') ordered by {@code order} instead of as
   * numbers or text.
   */
  public KeyedUpsert withVersionOrder(VersionOrder order) {
    return new KeyedUpsert(
        tableRoot, schema, keyColumns, versionName(), targetFileBytes, tombstoneRoot, order);
  }

  public KeyedUpsert withTargetFileBytes(long bytes) {
    return new KeyedUpsert(
        tableRoot, schema, keyColumns, versionName(), bytes, tombstoneRoot, order);
  }

  /**
   * The same upsert, remembering its deletes in the table at {@code root} (created when absent):
   * its key columns, the version and {@link #DELETED_AT}. Needs a version column.
   */
  public KeyedUpsert withTombstones(String root) {
    return new KeyedUpsert(
        tableRoot, schema, keyColumns, versionName(), targetFileBytes, root, order);
  }

  private @Nullable String versionName() {
    return version < 0 ? null : schema.columns().get(version).name();
  }

  /**
   * One change of a batch: a row to put, or, with a null row, the delete of a key.
   *
   * @param version the change's version, a Long or a String as the version column's type; null
   *     without a version column
   */
  public record Change(List<Object> key, Object @Nullable [] row, @Nullable Object version) {
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
    return new Change(keyOf(row), row.clone(), version < 0 ? null : versionOf(row));
  }

  /** A delete of the row with these key values (in key-column order), at a version. */
  public Change delete(List<Object> key, Object atVersion) {
    if (key.size() != keys.length) {
      throw new IllegalArgumentException(
          "a key of " + tableRoot + " has " + keys.length + " values");
    }
    return new Change(key, null, version < 0 ? null : checkedVersion(atVersion));
  }

  /** The last batch of {@code appId} the table holds, or -1: the next batch is one more. */
  public long committedBatch(String appId) {
    return table.txnVersion(appId);
  }

  /**
   * Forgets the tombstones of deletes applied before {@code appliedBeforeMicros} ({@link
   * #DELETED_AT}), in one commit of the tombstone table as batch {@code batch} of {@code appId};
   * returns how many. After it, a change of such a key older than its delete would bring the key
   * back, so the horizon must outlast every way an old change can still arrive.
   */
  public long forgetTombstones(String appId, long batch, long appliedBeforeMicros) {
    if (tombstones == null) {
      throw new IllegalStateException(tableRoot + " keeps no tombstones");
    }
    List<Change> forget = new ArrayList<>();
    int deletedAt = keys.length + 1;
    for (DataFile f : tombstones.table.files()) {
      tombstones.reader.read(
          tombstones.tableRoot,
          f.path(),
          row -> {
            if ((Long) row[deletedAt] < appliedBeforeMicros) {
              forget.add(tombstones.delete(tombstones.keyOf(row), row[keys.length]));
            }
          });
    }
    if (!forget.isEmpty()) {
      tombstones.apply(appId, batch, forget);
    }
    return forget.size();
  }

  /** What a batch did, with Delta's own MERGE metric names. */
  public record Result(CommitResult commit, Map<String, Long> metrics) {}

  /**
   * How one key range's rows follow from a batch, for tables whose rows depend on their neighbours
   * (the versions of one item in a history, keyed by the item's key and the version). All rows with
   * one value of the first key column are in one range, so a merge that keeps to the keys it is
   * given sees every row that shares that value.
   */
  @FunctionalInterface
  public interface RangeMerge {
    /**
     * The range's rows after the batch, in any order; the range is rewritten only if they differ
     * from {@code existing}.
     *
     * @param existing the rows the range holds, empty for new keys between ranges
     * @param changes the batch's changes whose key falls in the range, one per key
     */
    List<Object[]> merge(List<Object[]> existing, List<Change> changes);
  }

  /** Applies one batch of changes as batch number {@code batch} of {@code appId}. */
  public Result apply(String appId, long batch, Collection<Change> changes) {
    return apply(appId, batch, changes, null);
  }

  /**
   * Applies one batch as batch number {@code batch} of {@code appId}, each key range's rows as
   * {@code merge} computes them (the put and delete rule when null). A merge does not take
   * tombstones: its rows say all it keeps.
   */
  public Result apply(
      String appId, long batch, Collection<Change> changes, @Nullable RangeMerge merge) {
    if (merge != null && tombstones != null) {
      throw new IllegalArgumentException("a range merge of " + tableRoot + " takes no tombstones");
    }
    // All of a key's changes are kept: the newest is chosen together with the version the table
    // holds, which an order of images may need.
    Map<List<Object>, List<Change>> byKey = new LinkedHashMap<>();
    for (Change c : changes) {
      byKey.computeIfAbsent(c.key(), k -> new ArrayList<>(1)).add(c);
    }
    long buried = 0;
    if (tombstones != null) {
      buried = applyTombstones(appId, batch, byKey);
    }
    Map<String, Long> metrics = new LinkedHashMap<>();
    if (tombstones != null) {
      metrics.put("numSourceRowsBehindTombstones", buried);
    }
    CommitResult commit =
        table.rewrite(
            appId, batch, Map.of(), ATTEMPTS, files -> plan(files, byKey, batch, merge, metrics));
    return new Result(commit, Map.copyOf(metrics));
  }

  /**
   * Drops from {@code byKey} every change that a tombstone makes stale (a put not newer than the
   * key's delete, a delete older than it), and commits the batch's tombstones first: one for each
   * delete left, and the retirement of those that a newer put supersedes. Computed from the batch
   * and the tombstones alone, so a batch retried after only this commit landed drops the same
   * changes. Returns how many it dropped.
   */
  private long applyTombstones(String appId, long batch, Map<List<Object>, List<Change>> byKey) {
    Map<List<Object>, Object> dead = tombstones.versionsOf(byKey.keySet());
    long now = micros(System.currentTimeMillis());
    List<Change> marks = new ArrayList<>();
    long buried = 0;
    for (java.util.Iterator<List<Change>> it = byKey.values().iterator(); it.hasNext(); ) {
      List<Change> group = it.next();
      Object deadAt = dead.get(group.get(0).key());
      Change c = newest(group, deadAt);
      // A put of the delete's own version is the delete's item again: it stays deleted.
      if (c == null
          || (c.row() != null && deadAt != null && compareVersions(c.version(), deadAt) == 0)) {
        it.remove();
        buried++;
        continue;
      }
      if (deadAt != null && group.size() > 1) {
        // The MERGE must not pick another of the batch's changes, chosen without the delete.
        group.clear();
        group.add(c);
      }
      if (c.row() == null) {
        Object[] mark = new Object[keys.length + 2];
        for (int k = 0; k < keys.length; k++) {
          mark[k] = c.key().get(k);
        }
        mark[keys.length] = c.version();
        mark[keys.length + 1] = now;
        marks.add(tombstones.put(mark));
      } else if (deadAt != null) {
        marks.add(tombstones.delete(c.key(), c.version()));
      }
    }
    if (!marks.isEmpty()) {
      tombstones.apply(appId, batch, marks);
    }
    return buried;
  }

  /**
   * The newest of a key's changes, or null when the version the table holds ({@code held}, null if
   * none) is newer than all of them; without a version column, the last change.
   */
  private @Nullable Change newest(List<Change> group, @Nullable Object held) {
    if (version < 0) {
      return group.get(group.size() - 1);
    }
    if (group.size() == 1 && held == null) {
      return group.get(0);
    }
    List<Object> versions = new ArrayList<>(group.size() + 1);
    if (held != null) {
      versions.add(held);
    }
    group.forEach(c -> versions.add(c.version()));
    int at = order.newest(versions) - (held == null ? 0 : 1);
    return at < 0 ? null : group.get(at);
  }

  /**
   * The version of each of {@code wanted}'s keys that the table holds, read from the files whose
   * key range holds them (as a MERGE reads them); keys without a row are absent.
   */
  public Map<List<Object>, Object> versionsOf(Collection<List<Object>> wanted) {
    if (version < 0) {
      throw new IllegalStateException("an upsert without a version column has no versions");
    }
    Set<List<Object>> set = wanted instanceof Set<List<Object>> s ? s : new HashSet<>(wanted);
    Map<List<Object>, Object> out = new java.util.HashMap<>();
    if (set.isEmpty()) {
      return out;
    }
    List<Cluster> clusters = clusters(table.files());
    Set<Integer> holding = new java.util.TreeSet<>();
    for (List<Object> key : set) {
      int at = locate(clusters, key.get(0));
      if (at >= 0) {
        holding.add(at);
      }
    }
    for (int c : holding) {
      for (DataFile f : clusters.get(c).files()) {
        reader.read(
            tableRoot,
            f.path(),
            row -> {
              List<Object> key = keyOf(row);
              if (set.contains(key)) {
                out.put(key, versionOf(row));
              }
            });
      }
    }
    return out;
  }

  private static long micros(long millis) {
    return millis * 1000;
  }

  /**
   * Plans one MERGE over the table's files, kept as key ranges that do not overlap: files whose
   * first-key-column bounds overlap form one cluster, and a changed key belongs to the cluster
   * whose range holds it or to the gap between two clusters. A cluster with changes is read and, if
   * a change applies, rewritten whole into files of its own range; a gap's new keys join a small
   * neighbouring cluster or become new files of that gap. So the ranges stay apart, a change reads
   * only the files around its key, and memory holds one cluster at a time.
   */
  private DeltaTable.Rewrite plan(
      List<DataFile> files,
      Map<List<Object>, List<Change>> byKey,
      long batch,
      @Nullable RangeMerge merge,
      Map<String, Long> metrics) {
    long started = System.currentTimeMillis();
    List<Cluster> clusters = clusters(files);
    Map<Integer, Map<List<Object>, List<Change>>> toCluster = new java.util.TreeMap<>();
    Map<Integer, List<Change>> toGap = new java.util.TreeMap<>();
    for (List<Change> group : byKey.values()) {
      List<Object> key = group.get(0).key();
      int at = locate(clusters, key.get(0));
      if (at >= 0) {
        toCluster.computeIfAbsent(at, i -> new LinkedHashMap<>()).put(key, group);
        continue;
      }
      Change c = newest(group, null);
      if (c.row() != null || merge != null) {
        toGap.computeIfAbsent(-at - 1, g -> new ArrayList<>()).add(c);
      }
    }
    // New keys between ranges join a neighbouring cluster that is still small, so that a stream of
    // new keys at one end grows one file up to half the target instead of adding a file per batch.
    for (Map.Entry<Integer, List<Change>> gap : toGap.entrySet()) {
      int g = gap.getKey();
      int neighbour =
          g > 0 && clusters.get(g - 1).bytes() < targetFileBytes / 2
              ? g - 1
              : g < clusters.size() && clusters.get(g).bytes() < targetFileBytes / 2 ? g : -1;
      if (neighbour >= 0) {
        Map<List<Object>, List<Change>> into =
            toCluster.computeIfAbsent(neighbour, i -> new LinkedHashMap<>());
        gap.getValue().forEach(c -> into.put(c.key(), List.of(c)));
        gap.setValue(List.of());
      }
    }
    List<DataFile> removed = new ArrayList<>();
    List<DataFile> added = new ArrayList<>();
    long read = 0;
    long copied = 0;
    long updated = 0;
    long deleted = 0;
    long inserted = 0;
    int part = 0;
    for (Map.Entry<Integer, Map<List<Object>, List<Change>>> e : toCluster.entrySet()) {
      Cluster cluster = clusters.get(e.getKey());
      Map<List<Object>, List<Change>> changes = e.getValue();
      read += cluster.files().size();
      if (merge != null) {
        List<Object[]> existing = new ArrayList<>();
        for (DataFile f : cluster.files()) {
          reader.read(tableRoot, f.path(), existing::add);
        }
        List<Change> newest = new ArrayList<>(changes.size());
        changes.values().forEach(g -> newest.add(newest(g, null)));
        List<Object[]> out = merge.merge(existing, newest);
        long[] counts = differences(existing, out);
        if (counts[0] + counts[1] + counts[2] == 0) {
          continue;
        }
        removed.addAll(cluster.files());
        added.addAll(write(new ArrayList<>(out), batch, part++));
        inserted += counts[0];
        updated += counts[1];
        deleted += counts[2];
        copied += out.size() - counts[0] - counts[1];
        continue;
      }
      List<Object[]> out = new ArrayList<>();
      Set<List<Object>> found = new HashSet<>();
      long clusterUpdated = 0;
      long clusterDeleted = 0;
      long rows = 0;
      for (DataFile f : cluster.files()) {
        List<Object[]> fileRows = new ArrayList<>();
        reader.read(tableRoot, f.path(), fileRows::add);
        rows += fileRows.size();
        for (Object[] row : fileRows) {
          List<Object> key = keyOf(row);
          List<Change> group = changes.get(key);
          if (group == null) {
            out.add(row);
            continue;
          }
          found.add(key);
          Change c = newest(group, version < 0 ? null : versionOf(row));
          if (c == null) {
            out.add(row);
            continue;
          }
          if (c.row() == null) {
            clusterDeleted++;
          } else {
            out.add(c.row());
            clusterUpdated++;
          }
        }
      }
      long clusterInserted = 0;
      for (Map.Entry<List<Object>, List<Change>> g : changes.entrySet()) {
        Change c = found.contains(g.getKey()) ? null : newest(g.getValue(), null);
        if (c != null && c.row() != null) {
          out.add(c.row());
          clusterInserted++;
        }
      }
      if (clusterUpdated + clusterDeleted + clusterInserted == 0) {
        continue;
      }
      removed.addAll(cluster.files());
      added.addAll(write(out, batch, part++));
      copied += rows - clusterUpdated - clusterDeleted;
      updated += clusterUpdated;
      deleted += clusterDeleted;
      inserted += clusterInserted;
    }
    for (List<Change> gap : toGap.values()) {
      if (!gap.isEmpty() && merge != null) {
        List<Object[]> out = merge.merge(List.of(), gap);
        added.addAll(write(new ArrayList<>(out), batch, part++));
        inserted += out.size();
      } else if (!gap.isEmpty()) {
        List<Object[]> out = new ArrayList<>(gap.size());
        gap.forEach(c -> out.add(c.row()));
        added.addAll(write(out, batch, part++));
        inserted += gap.size();
      }
    }
    metrics.clear();
    metrics.put("numSourceRows", (long) byKey.size());
    metrics.put("numTargetRowsInserted", inserted);
    metrics.put("numTargetRowsUpdated", updated);
    metrics.put("numTargetRowsDeleted", deleted);
    metrics.put("numTargetRowsCopied", copied);
    metrics.put("numOutputRows", copied + updated + inserted);
    metrics.put("numTargetFilesBeforeSkipping", (long) files.size());
    metrics.put("numTargetFilesAfterSkipping", read);
    metrics.put("numTargetFilesRemoved", (long) removed.size());
    metrics.put("numTargetFilesAdded", (long) added.size());
    metrics.put("numTargetBytesRemoved", removed.stream().mapToLong(DataFile::sizeBytes).sum());
    metrics.put("numTargetBytesAdded", added.stream().mapToLong(DataFile::sizeBytes).sum());
    metrics.put("executionTimeMs", System.currentTimeMillis() - started);
    Map<String, String> asText = new LinkedHashMap<>();
    metrics.forEach((k, v) -> asText.put(k, Long.toString(v)));
    return new DeltaTable.Rewrite(removed, added, asText);
  }

  /**
   * How a range's rows changed, by key: {inserted, updated, deleted}; a row is updated when its key
   * was there with other values. A row the merge handed back as it was (the same array) is
   * unchanged, so only the others are looked up by key.
   */
  private long[] differences(List<Object[]> before, List<Object[]> after) {
    Set<Object[]> same = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    same.addAll(before);
    List<Object[]> changed = new ArrayList<>();
    Set<Object[]> kept = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Object[] row : after) {
      if (same.contains(row)) {
        kept.add(row);
      } else {
        changed.add(row);
      }
    }
    Map<List<Object>, Object[]> old = new java.util.HashMap<>();
    for (Object[] row : before) {
      if (!kept.contains(row)) {
        old.put(keyOf(row), row);
      }
    }
    long inserted = 0;
    long updated = 0;
    for (Object[] row : changed) {
      Object[] was = old.remove(keyOf(row));
      if (was == null) {
        inserted++;
      } else if (!java.util.Arrays.deepEquals(was, row)) {
        updated++;
      }
    }
    return new long[] {inserted, updated, old.size()};
  }

  /**
   * Writes rows of one key range, sorted by key, into files of their own. They roll a quarter past
   * the target: a rewritten file that grew by a few rows stays one file instead of splitting into
   * itself and a sliver of the last few hundred rows.
   */
  private List<DataFile> write(List<Object[]> rows, long batch, int part) {
    if (rows.isEmpty()) {
      return List.of();
    }
    rows.sort(this::compareKeys);
    try (DeltaFileWriter w =
        new DeltaFileWriter(
            tableRoot,
            schema,
            targetFileBytes + targetFileBytes / 4,
            "part-upsert-b" + batch + "-r" + part)) {
      rows.forEach(w::write);
      return w.finish();
    }
  }

  /** Files whose ranges of the first key column overlap, and the range they cover together. */
  private record Cluster(
      @Nullable Comparable<Object> low, @Nullable Comparable<Object> high, List<DataFile> files) {
    long bytes() {
      return files.stream().mapToLong(DataFile::sizeBytes).sum();
    }
  }

  /**
   * The files as clusters sorted by range and apart from each other; a file without a bound on the
   * first key column reaches to that end. Bounds are the file statistics', which are exact or, for
   * a string min cut to its prefix and a long string max left out, wider.
   */
  private List<Cluster> clusters(List<DataFile> files) {
    DeltaColumn first = schema.columns().get(keys[0]);
    record Ranged(
        @Nullable Comparable<Object> low, @Nullable Comparable<Object> high, DataFile f) {}
    List<Ranged> ranged = new ArrayList<>();
    for (DataFile f : files) {
      JsonNode stats;
      try {
        stats = JSON.readTree(f.statsJson());
      } catch (IOException e) {
        stats = JSON.createObjectNode();
      }
      ranged.add(
          new Ranged(
              boundValue(first.type(), stats.path("minValues").get(first.name())),
              boundValue(first.type(), stats.path("maxValues").get(first.name())),
              f));
    }
    ranged.sort(
        (a, b) ->
            a.low() == null
                ? (b.low() == null ? 0 : -1)
                : b.low() == null ? 1 : a.low().compareTo(b.low()));
    List<Cluster> out = new ArrayList<>();
    for (Ranged r : ranged) {
      Cluster last = out.isEmpty() ? null : out.get(out.size() - 1);
      boolean overlaps =
          last != null
              && (last.high() == null || r.low() == null || r.low().compareTo(last.high()) <= 0);
      if (overlaps) {
        List<DataFile> joined = new ArrayList<>(last.files());
        joined.add(r.f());
        Comparable<Object> high =
            last.high() == null || r.high() == null
                ? null
                : r.high().compareTo(last.high()) > 0 ? r.high() : last.high();
        out.set(out.size() - 1, new Cluster(last.low(), high, joined));
      } else {
        out.add(new Cluster(r.low(), r.high(), List.of(r.f())));
      }
    }
    return out;
  }

  /**
   * The index of the cluster whose range holds {@code key}, or -(gap + 1) for the gap before
   * cluster {@code gap}.
   */
  private static int locate(List<Cluster> clusters, Object key) {
    // A bound is known only for string, integer, date and timestamp keys (Long, as the rows hold
    // them: µs, days), so only those are compared.
    Object k = normalized(key);
    int lo = 0;
    int hi = clusters.size() - 1;
    int last = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Comparable<Object> low = clusters.get(mid).low();
      if (low == null || low.compareTo(k) <= 0) {
        last = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (last >= 0) {
      Comparable<Object> high = clusters.get(last).high();
      if (high == null || high.compareTo(k) >= 0) {
        return last;
      }
    }
    return -(last + 1) - 1;
  }

  /** A statistics bound as a value comparable with {@link #normalized} keys; null if unknown. */
  @SuppressWarnings("unchecked")
  private static @Nullable Comparable<Object> boundValue(DeltaType type, @Nullable JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    Object v;
    if (type.equals(DeltaType.STRING) && n.isTextual()) {
      v = n.textValue();
    } else if ((type.equals(DeltaType.LONG) || type.equals(DeltaType.INT))
        && n.canConvertToLong()) {
      v = n.asLong();
    } else if (type.equals(DeltaType.TIMESTAMP) && n.isTextual()) {
      Instant b = Instant.parse(n.textValue());
      v = b.getEpochSecond() * 1_000_000L + b.getNano() / 1_000;
    } else if (type.equals(DeltaType.DATE) && n.isTextual()) {
      v = LocalDate.parse(n.textValue()).toEpochDay();
    } else {
      return null;
    }
    return (Comparable<Object>) v;
  }

  private static Object normalized(Object key) {
    return key instanceof Integer i ? Long.valueOf(i) : key;
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

  private Object versionOf(Object[] row) {
    return checkedVersion(row[version]);
  }

  private Object checkedVersion(@Nullable Object given) {
    boolean text = schema.columns().get(version).type().equals(DeltaType.STRING);
    Object v = !text && given instanceof Integer i ? Long.valueOf(i) : given;
    if (text ? !(v instanceof String) : !(v instanceof Long)) {
      throw new IllegalArgumentException(
          "version column "
              + schema.columns().get(version).name()
              + " of "
              + tableRoot
              + " holds "
              + v
              + ", not a "
              + (text ? "STRING" : "BIGINT"));
    }
    return v;
  }

  /** Versions of one column: both Longs or both Strings (null, without a version column). */
  private static int compareVersions(@Nullable Object a, @Nullable Object b) {
    if (a == null || b == null) {
      return 0;
    }
    if (a instanceof Long x) {
      return Long.compare(x, (Long) b);
    }
    return ((String) a).compareTo((String) b);
  }

  private static int indexOf(DeltaTableSchema schema, String column) {
    int i = schema.indexOf(column);
    if (i < 0) {
      throw new IllegalArgumentException("no column " + column + " in " + schema.columns());
    }
    return i;
  }
}
