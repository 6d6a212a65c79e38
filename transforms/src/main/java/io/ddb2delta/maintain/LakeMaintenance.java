package io.ddb2delta.maintain;

import io.ddb2delta.current.CurrentTable;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.delta.TableMaintenance;
import io.ddb2delta.gold.GoldTable;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.tables.DeltaTargets;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The maintenance of the tables under a lake's root, as the {@code maintain} command and a
 * streaming job ({@link MaintainEveryCommits}) run it: compaction, a checkpoint and vacuum, each
 * optional.
 *
 * <p>Guarantees: compaction changes no table's rows and no reader's view of its changes ({@code
 * dataChange=false}); the keyed tables ({@code <table>_current}, their tombstones, {@code
 * <table>_history}, gold) are packed in key order, so their key ranges stay apart; vacuum keeps
 * every file a version within the retention needs, and a retention under {@link
 * TableMaintenance#MIN_RETENTION} is refused unless {@code force}. Safe beside a running job: a
 * compaction that loses to a concurrent commit commits nothing and throws saying so.
 *
 * <p>With a {@code tombstoneHorizon}, the tombstones of {@code <table>_current} whose deletes were
 * applied longer ago than that are forgotten (null: kept for ever). A horizon under {@link
 * TableMaintenance#MIN_RETENTION} is refused unless {@code force}.
 *
 * @param mappings the job's table mappings, for the keys of {@code <table>_current}; null for the
 *     shipped ones
 */
public record LakeMaintenance(
    String deltaRoot,
    @Nullable List<TableMapping> mappings,
    long targetFileBytes,
    long currentTargetFileBytes,
    Duration retention,
    boolean force,
    boolean dryRun,
    boolean compact,
    boolean checkpoint,
    boolean vacuum,
    @Nullable Duration tombstoneHorizon)
    implements Serializable {

  /** The transaction app id of the commits that forget tombstones; the number is the cut-off. */
  public static final String TOMBSTONE_APP_ID = "ddb2delta-maintain-tombstones";

  public LakeMaintenance {
    mappings = mappings == null ? null : List.copyOf(mappings);
    if (vacuum && belowMinimum(retention) && !force) {
      throw new IllegalArgumentException(
          "a vacuum retention of "
              + retention.toHours()
              + " hours is below 168 (7 days): readers of a recent version could lose files;"
              + " force it to vacuum anyway");
    }
    if (belowMinimum(tombstoneHorizon) && !force) {
      throw new IllegalArgumentException(
          "a tombstone horizon of "
              + tombstoneHorizon.toHours()
              + " hours is below 168 (7 days): a replayed change older than a forgotten delete"
              + " would bring its key back; force it to forget them anyway");
    }
  }

  /**
   * Whether a retention or tombstone horizon is under {@link TableMaintenance#MIN_RETENTION}, which
   * the constructor refuses unless {@code force}; null (no horizon) is not.
   */
  public static boolean belowMinimum(@Nullable Duration d) {
    return d != null && d.compareTo(TableMaintenance.MIN_RETENTION) < 0;
  }

  /**
   * What a streaming job runs: compaction at the given sizes (the second for current tables and
   * histories), a checkpoint and a 7-day vacuum; tombstones kept.
   */
  public static LakeMaintenance of(
      String deltaRoot,
      @Nullable List<TableMapping> mappings,
      long targetFileBytes,
      long currentTargetFileBytes) {
    return new LakeMaintenance(
        deltaRoot,
        mappings,
        targetFileBytes,
        currentTargetFileBytes,
        TableMaintenance.MIN_RETENTION,
        false,
        false,
        true,
        true,
        true,
        null);
  }

  /** Every Delta table under the root, by name. */
  public List<String> tables() {
    Path root = Path.of(deltaRoot);
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(root)) {
      return entries
          .filter(p -> Files.isDirectory(p.resolve("_delta_log")))
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + root, e);
    }
  }

  /** Maintains one table under the root; returns what was done, as one line. */
  public String maintain(String name) {
    DeltaTable table = DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, name));
    if (!table.exists()) {
      throw new IllegalArgumentException("there is no Delta table " + name + " under " + deltaRoot);
    }
    TableMaintenance m = new TableMaintenance(table);
    StringBuilder line = new StringBuilder("maintain " + name + ":");
    if (tombstoneHorizon != null && name.endsWith("_current_tombstones")) {
      line.append(forgetTombstones(name));
    }
    if (compact) {
      boolean current =
          name.endsWith("_current")
              || name.endsWith("_current_tombstones")
              || name.endsWith("_history");
      TableMaintenance.Compacted c =
          m.compact(current ? currentTargetFileBytes : targetFileBytes, orderColumn(name, table));
      line.append(
          String.format(
              Locale.ROOT,
              " files %,d -> %,d (%,d packed into %,d)",
              c.filesBefore(),
              c.filesAfter(),
              c.removed(),
              c.added()));
    }
    if (checkpoint) {
      line.append(" checkpoint at version ").append(table.checkpoint());
    }
    if (vacuum) {
      TableMaintenance.Vacuumed v = m.vacuum(retention, force, dryRun);
      line.append(
          dryRun
              ? String.format(Locale.ROOT, "; vacuum would delete %,d files", v.candidates())
              : String.format(
                  Locale.ROOT,
                  "; vacuum deleted %,d files (%.1f MB)",
                  v.deleted(),
                  v.deletedBytes() / 1e6));
    }
    return line.toString();
  }

  /** Forgets the tombstones older than the horizon, by the current table's own upsert. */
  private String forgetTombstones(String name) {
    TableMapping mapping =
        mappingOf(name.substring(0, name.length() - "_current_tombstones".length()));
    if (mapping == null) {
      return " tombstones kept (no mapping for their table)";
    }
    long now = System.currentTimeMillis();
    long before = (now - tombstoneHorizon.toMillis()) * 1000;
    long forgotten =
        new CurrentTable(mapping)
            .upsert(deltaRoot, currentTargetFileBytes)
            .forgetTombstones(TOMBSTONE_APP_ID, now, before);
    return String.format(
        Locale.ROOT,
        " forgot %,d tombstones of deletes older than %d hours;",
        forgotten,
        tombstoneHorizon.toHours());
  }

  private @Nullable TableMapping mappingOf(String base) {
    if (mappings != null) {
      return mappings.stream().filter(m -> m.table().equals(base)).findFirst().orElse(null);
    }
    return TableMapping.SHIPPED.contains(base) ? TableMapping.shipped(base) : null;
  }

  /**
   * The column a keyed table is packed in order of, so its key ranges stay apart: the first key of
   * a gold table or of a current table's or history's mapping; null (by age) for the append-only
   * tables.
   */
  private @Nullable String orderColumn(String name, DeltaTable table) {
    for (GoldTable g : GoldTable.values()) {
      if (g.tableName().equals(name)) {
        return g.keyColumns().get(0);
      }
    }
    String base =
        name.endsWith("_current_tombstones")
            ? name.substring(0, name.length() - "_current_tombstones".length())
            : name.endsWith("_current")
                ? name.substring(0, name.length() - "_current".length())
                : name.endsWith("_history")
                    ? name.substring(0, name.length() - "_history".length())
                    : null;
    if (base == null) {
      return null;
    }
    TableMapping mapping = mappingOf(base);
    if (mapping != null) {
      return new CurrentTable(mapping).keyColumns().get(0);
    }
    // Without its mapping, the schema leads with the key, as the shipped mappings do.
    List<String> columns = table.columnNames();
    return columns.isEmpty() ? null : columns.get(0);
  }
}
