package io.ddb2delta.testing;

import io.ddb2delta.pipelines.Ddb2Delta;
import io.ddb2delta.pipelines.Ddb2DeltaOptions;
import io.ddb2delta.pipelines.RunSummary;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Runs the real job in the test's JVM, with options parsed as {@code main} parses them but with
 * Beam's immutability and encodability checks left on, and without progress lines.
 */
public final class JobRuns {
  private JobRuns() {}

  public static RunSummary run(List<String> args) {
    List<String> all = new ArrayList<>(args);
    all.add("--progressIntervalSeconds=0");
    PipelineOptionsFactory.register(Ddb2DeltaOptions.class);
    return Ddb2Delta.run(
        PipelineOptionsFactory.fromArgs(all.toArray(String[]::new)).as(Ddb2DeltaOptions.class));
  }
}
