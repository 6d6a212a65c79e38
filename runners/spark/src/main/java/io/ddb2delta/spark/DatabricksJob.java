package io.ddb2delta.spark;

import io.ddb2delta.pipelines.Ddb2Delta;
import io.ddb2delta.pipelines.Ddb2DeltaOptions;
import io.ddb2delta.pipelines.RunSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.runners.spark.translation.SparkContextFactory;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The Databricks JAR task's main class: runs the ddb2delta job on the cluster's own Spark context,
 * with the same options as {@code mvn exec:java}.
 *
 * <p>Guarantees: it reuses the running context ({@link SparkContext#getOrCreate()}, handed to Beam
 * through {@link SparkContextFactory#setProvidedSparkContext} with {@code
 * --usesProvidedSparkContext=true}); it never stops that context and never calls {@code
 * System.exit}, both of which would fail the task or the cluster (FACTS §5). A failed run throws,
 * so the task fails with the reason; a finished run prints its summary to the driver log and, with
 * {@code --summaryFile} (a local or {@code /Volumes/} path), writes it there as JSON for whatever
 * orchestrates the job.
 */
public final class DatabricksJob {
  private DatabricksJob() {}

  public static void main(String[] args) throws IOException {
    Ddb2DeltaOptions options = options(args);
    RunSummary summary = run(options);
    System.out.print(summary.render());
    if (!options.getSummaryFile().isBlank()) {
      Files.writeString(Path.of(options.getSummaryFile()), summary.toJson());
    }
  }

  /** Runs the job on the active Spark context and returns what it did. */
  public static RunSummary run(String[] args) {
    return run(options(args));
  }

  private static Ddb2DeltaOptions options(String[] args) {
    return Ddb2Delta.parse(SparkJob.withSparkDefaults(args, true));
  }

  private static RunSummary run(Ddb2DeltaOptions options) {
    SparkContext context = SparkContext.getOrCreate();
    SparkContextFactory.setProvidedSparkContext(JavaSparkContext.fromSparkContext(context));
    return Ddb2Delta.run(options);
  }
}
