package io.ddb2delta.spark;

import io.ddb2delta.pipelines.Ddb2Delta;
import io.ddb2delta.pipelines.Ddb2DeltaOptions;
import io.ddb2delta.pipelines.RunSummary;
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
 * so the task fails with the reason; a finished run prints its summary to the driver log.
 */
public final class DatabricksJob {
  private DatabricksJob() {}

  public static void main(String[] args) {
    RunSummary summary = run(args);
    System.out.print(summary.render());
  }

  /** Runs the job on the active Spark context and returns what it did. */
  public static RunSummary run(String[] args) {
    SparkContext context = SparkContext.getOrCreate();
    SparkContextFactory.setProvidedSparkContext(JavaSparkContext.fromSparkContext(context));
    Ddb2DeltaOptions options = Ddb2Delta.parse(SparkJob.withSparkDefaults(args, true));
    return Ddb2Delta.run(options);
  }
}
