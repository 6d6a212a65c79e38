package io.ddb2delta.pipelines.maintain;

import io.ddb2delta.current.CurrentTable;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.delta.TableMaintenance;
import io.ddb2delta.gold.GoldTable;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.mapping.TableMappings;
import io.ddb2delta.tables.DeltaTargets;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.checkerframework.checker.nullness.qual.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code maintain}: compacts, checkpoints and vacuums the tables under a lake's root.
 *
 * <p>Guarantees: compaction changes no table's rows and no reader's view of its changes ({@code
 * dataChange=false}); the keyed tables ({@code <table>_current}, their tombstones, {@code
 * <table>_history}, gold) are packed in key order, so their key ranges stay apart; vacuum keeps
 * every file a version within {@code --retentionHours} needs, and refuses a retention under 7 days
 * without {@code --force}. Safe beside a running job: a compaction that loses to a concurrent
 * commit commits nothing and says so.
 */
@Command(
    name = "maintain",
    mixinStandardHelpOptions = true,
    description = "Compacts small files, writes checkpoints and vacuums the tables under a root.")
public final class MaintainCommand implements Callable<Integer> {
  @Option(names = "--deltaRoot", required = true, description = "The lake's root folder.")
  String deltaRoot;

  @Option(
      names = "--tables",
      split = ",",
      description = "Tables to maintain (default: every Delta table under --deltaRoot).")
  List<String> tables = new ArrayList<>();

  @Option(
      names = "--tableConfig",
      description = "The job's own table mappings, for the keys of <table>_current.")
  String tableConfig;

  @Option(names = "--targetFileSizeMb", description = "Compacted file size (default 128).")
  int targetFileSizeMb = 128;

  @Option(
      names = "--currentTargetFileSizeMb",
      description =
          "Compacted file size of <table>_current, its tombstones and <table>_history (default"
              + " 8).")
  int currentTargetFileSizeMb = 8;

  @Option(
      names = "--retentionHours",
      description = "Vacuum keeps files a version of the last N hours needs (default 168).")
  long retentionHours = 168;

  @Option(names = "--force", description = "Allow a retention under 168 hours.")
  boolean force;

  @Option(names = "--dryRun", description = "Vacuum only counts what it would delete.")
  boolean dryRun;

  @Option(names = "--no-compact", negatable = true, description = "Compact small files.")
  boolean compact = true;

  @Option(names = "--no-checkpoint", negatable = true, description = "Write a checkpoint.")
  boolean checkpoint = true;

  @Option(names = "--no-vacuum", negatable = true, description = "Vacuum unreferenced files.")
  boolean vacuum = true;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final PrintStream out;

  MaintainCommand(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(commandLine(System.out).execute(args));
  }

  public static CommandLine commandLine(PrintStream out) {
    return new CommandLine(new MaintainCommand(out));
  }

  @Override
  public Integer call() {
    Duration retention = Duration.ofHours(retentionHours);
    if (vacuum && retention.compareTo(TableMaintenance.MIN_RETENTION) < 0 && !force) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--retentionHours="
              + retentionHours
              + " is below 168 (7 days): readers of a recent version could lose files; add"
              + " --force to vacuum anyway");
    }
    List<TableMapping> mappings = tableConfig == null ? null : TableMappings.load(tableConfig);
    List<String> chosen = tables.isEmpty() ? tablesUnder(Path.of(deltaRoot)) : tables;
    for (String name : chosen) {
      DeltaTable table = DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, name));
      if (!table.exists()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "there is no Delta table " + name + " under " + deltaRoot);
      }
      TableMaintenance m = new TableMaintenance(table);
      StringBuilder line = new StringBuilder("maintain " + name + ":");
      if (compact) {
        boolean current =
            name.endsWith("_current")
                || name.endsWith("_current_tombstones")
                || name.endsWith("_history");
        long target = (long) (current ? currentTargetFileSizeMb : targetFileSizeMb) << 20;
        TableMaintenance.Compacted c = m.compact(target, orderColumn(name, table, mappings));
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
      out.println(line);
    }
    return 0;
  }

  /**
   * The column a keyed table is packed in order of, so its key ranges stay apart: the first key of
   * a gold table or of a current table's or history's mapping; null (by age) for the append-only
   * tables.
   */
  private static @Nullable String orderColumn(
      String name, DeltaTable table, @Nullable List<TableMapping> mappings) {
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
    TableMapping mapping = null;
    if (mappings != null) {
      mapping = mappings.stream().filter(m -> m.table().equals(base)).findFirst().orElse(null);
    } else if (TableMapping.SHIPPED.contains(base)) {
      mapping = TableMapping.shipped(base);
    }
    if (mapping != null) {
      return new CurrentTable(mapping).keyColumns().get(0);
    }
    // Without its mapping, the schema leads with the key, as the shipped mappings do.
    List<String> columns = table.columnNames();
    return columns.isEmpty() ? null : columns.get(0);
  }

  private static List<String> tablesUnder(Path root) {
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
}
