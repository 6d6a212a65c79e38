package io.ddb2delta.pipelines.maintain;

import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.maintain.LakeMaintenance;
import io.ddb2delta.mapping.TableMappings;
import io.ddb2delta.tables.DeltaTargets;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code maintain}: compacts, checkpoints and vacuums the tables under a lake's root, by {@link
 * LakeMaintenance}, which a streaming job also runs every {@code --maintainEveryCommits} commits.
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

  @Option(
      names = "--tombstoneHorizonHours",
      description =
          "Forget the tombstones of <table>_current whose deletes are older than this; 0 (the"
              + " default) keeps them for ever. Keep it above the longest a change can take to"
              + " arrive (the stream's retention, the age of an export you may still load).")
  long tombstoneHorizonHours;

  @Option(names = "--force", description = "Allow a retention or horizon under 168 hours.")
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
    Duration horizon = tombstoneHorizonHours > 0 ? Duration.ofHours(tombstoneHorizonHours) : null;
    if (!force && vacuum && LakeMaintenance.belowMinimum(retention)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--retentionHours="
              + retentionHours
              + " is below 168 (7 days): readers of a recent version could lose files; add"
              + " --force to vacuum anyway");
    }
    if (!force && LakeMaintenance.belowMinimum(horizon)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--tombstoneHorizonHours="
              + tombstoneHorizonHours
              + " is below 168 (7 days): a replayed change older than a forgotten delete would"
              + " bring its key back; add --force to forget them anyway");
    }
    LakeMaintenance lake =
        new LakeMaintenance(
            deltaRoot,
            tableConfig == null ? null : TableMappings.load(tableConfig),
            (long) targetFileSizeMb << 20,
            (long) currentTargetFileSizeMb << 20,
            retention,
            force,
            dryRun,
            compact,
            checkpoint,
            vacuum,
            horizon);
    List<String> chosen = tables.isEmpty() ? lake.tables() : tables;
    for (String name : chosen) {
      if (!DeltaTable.forPath(DeltaTargets.pathOf(deltaRoot, name)).exists()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "there is no Delta table " + name + " under " + deltaRoot);
      }
      out.println(lake.maintain(name));
    }
    return 0;
  }
}
