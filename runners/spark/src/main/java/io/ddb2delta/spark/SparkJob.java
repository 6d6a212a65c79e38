package io.ddb2delta.spark;

import io.ddb2delta.pipelines.Ddb2Delta;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.util.ShutdownHookManager;

/**
 * The ddb2delta job on Beam's Spark runner, started from the command line ({@code mvn -pl
 * runners/spark exec:java}): the same options as the DirectRunner job, with the Spark runner's
 * defaults filled in. It creates, and at the end stops, its own Spark context.
 *
 * <p>Defaults, each only when the argument is absent: {@code --runner=SparkRunner}, {@code
 * --sparkMaster=local[*]}, {@code --batchIntervalMillis=3000}: Beam's 500 ms does not keep up on
 * two cores, because each split's reader waits about a second per micro-batch (FACTS §8); and
 * {@code --maxRecordsPerBatch=50000}: Beam's default reads a backlog without limit into one
 * micro-batch, which ran a 500,000-change catch-up out of a 1 GiB heap; and {@code
 * --commitIntervalSeconds=0}, one commit per micro-batch: with the DirectRunner's 2 s, every
 * message waited a micro-batch in the grouping state, and writing that state to the checkpoint each
 * batch took 38% of a catch-up's CPU (a JFR profile).
 */
public final class SparkJob {
  /** The streaming batch interval that keeps up on two cores, measured. */
  public static final int DEFAULT_BATCH_INTERVAL_MILLIS = 3000;

  /** The most records one micro-batch reads, over all splits: what one writer batch may hold. */
  public static final int DEFAULT_MAX_RECORDS_PER_BATCH = 50_000;

  private SparkJob() {}

  public static void main(String[] args) {
    String[] all = withSparkDefaults(args, false);
    if (isLocal(all)) {
      // Spark's driver otherwise binds to the host's resolved address, which a laptop on a VPN or a
      // container may not route to itself (FACTS §9).
      System.setProperty("spark.driver.bindAddress", "127.0.0.1");
      System.setProperty("spark.driver.host", "127.0.0.1");
    }
    if (!isGiven(Arrays.asList(all), "checkpointDir")) {
      Path checkpoint = temporaryCheckpoint();
      all =
          Stream.concat(Arrays.stream(all), Stream.of("--checkpointDir=" + checkpoint))
              .toArray(String[]::new);
    }
    Ddb2Delta.main(all);
  }

  /**
   * Where a run without {@code --checkpointDir} checkpoints: a new temporary folder, deleted when
   * the JVM ends, after Spark's own shutdown hooks. Beam's default, {@code /tmp/<job name>}, is a
   * name no later run reuses (it holds the start time and a random suffix), so it could never be
   * resumed from and was left behind by every run.
   */
  static Path temporaryCheckpoint() {
    try {
      Path dir = Files.createTempDirectory("ddb2delta-spark-checkpoint-");
      // Hadoop runs higher priorities first: Spark's hooks at 40, the file systems' at 10, this
      // last.
      ShutdownHookManager.get().addShutdownHook(() -> deleteRecursively(dir), 0);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("creating a temporary Spark checkpoint folder", e);
    }
  }

  /** Deletes a folder and everything under it; what cannot be deleted stays. */
  static void deleteRecursively(Path dir) {
    if (Files.exists(dir) && !FileUtil.fullyDelete(dir.toFile())) {
      System.err.println("could not delete all of the temporary Spark checkpoint " + dir);
    }
  }

  /**
   * The arguments with the Spark runner's defaults added where absent; with {@code
   * providedContext}, also {@code --usesProvidedSparkContext=true}, which a cluster's job needs.
   */
  public static String[] withSparkDefaults(String[] args, boolean providedContext) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    addUnlessGiven(all, "runner", "SparkRunner");
    addUnlessGiven(all, "batchIntervalMillis", Integer.toString(DEFAULT_BATCH_INTERVAL_MILLIS));
    addUnlessGiven(all, "maxRecordsPerBatch", Integer.toString(DEFAULT_MAX_RECORDS_PER_BATCH));
    // Spark cuts the stream into batches by time already; a commit interval on top of that holds
    // each batch's messages across a micro-batch, in Spark's checkpointed state.
    addUnlessGiven(all, "commitIntervalSeconds", "0");
    // Checkpoint the read positions and the grouping state every batch, not Spark's default of
    // every 10 batches. Otherwise a restarted driver recomputes the read state of completed batches
    // by reading the stream again, and drops what those re-reads return: records lost (measured by
    // SparkStreamsRestartIT: 418 of 2,492 changes missing).
    addUnlessGiven(all, "checkpointDurationMillis", value(all, "batchIntervalMillis"));
    if (providedContext) {
      all.removeIf(a -> a.startsWith("--usesProvidedSparkContext"));
      all.add("--usesProvidedSparkContext=true");
    } else {
      addUnlessGiven(all, "sparkMaster", "local[*]");
    }
    return all.toArray(String[]::new);
  }

  private static String value(List<String> args, String name) {
    String prefix = "--" + name + "=";
    return args.stream()
        .filter(a -> a.startsWith(prefix))
        .map(a -> a.substring(prefix.length()))
        .findFirst()
        .orElseThrow();
  }

  private static boolean isLocal(String[] args) {
    return Arrays.stream(args).anyMatch(a -> a.startsWith("--sparkMaster=local"));
  }

  private static void addUnlessGiven(List<String> args, String name, String value) {
    if (!isGiven(args, name)) {
      args.add("--" + name + "=" + value);
    }
  }

  private static boolean isGiven(List<String> args, String name) {
    return args.stream().anyMatch(a -> a.equals("--" + name) || a.startsWith("--" + name + "="));
  }
}
