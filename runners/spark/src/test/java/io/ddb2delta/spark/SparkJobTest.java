package io.ddb2delta.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.pipelines.Ddb2Delta;
import io.ddb2delta.pipelines.Ddb2DeltaOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.runners.spark.SparkRunner;
import org.junit.jupiter.api.Test;

class SparkJobTest {

  private static SparkPipelineOptions parse(String[] args) {
    Ddb2DeltaOptions options = Ddb2Delta.parse(args);
    return options.as(SparkPipelineOptions.class);
  }

  @Test
  void absentOptionsGetTheSparkRunnersDefaults() {
    SparkPipelineOptions spark =
        parse(SparkJob.withSparkDefaults(new String[] {"--source=export"}, false));

    assertThat(spark.getRunner()).isEqualTo(SparkRunner.class);
    assertThat(spark.getSparkMaster()).isEqualTo("local[*]");
    assertThat(spark.getBatchIntervalMillis())
        .isEqualTo((long) SparkJob.DEFAULT_BATCH_INTERVAL_MILLIS);
    assertThat(spark.getCheckpointDurationMillis())
        .isEqualTo((long) SparkJob.DEFAULT_BATCH_INTERVAL_MILLIS);
    assertThat(spark.getMaxRecordsPerBatch()).isEqualTo(50_000L);
    assertThat(spark.as(Ddb2DeltaOptions.class).getCommitIntervalSeconds()).isZero();
    assertThat(spark.getUsesProvidedSparkContext()).isFalse();
  }

  @Test
  void givenOptionsWinAndTheCheckpointFollowsTheBatchInterval() {
    SparkPipelineOptions spark =
        parse(
            SparkJob.withSparkDefaults(
                new String[] {"--sparkMaster=local[2]", "--batchIntervalMillis=5000"}, false));

    assertThat(spark.getSparkMaster()).isEqualTo("local[2]");
    assertThat(spark.getBatchIntervalMillis()).isEqualTo(5000L);
    assertThat(spark.getCheckpointDurationMillis()).isEqualTo(5000L);
  }

  @Test
  void aClustersJobUsesTheProvidedContextAndSetsNoMaster() {
    String[] args =
        SparkJob.withSparkDefaults(
            new String[] {"--source=export", "--usesProvidedSparkContext=false"}, true);
    SparkPipelineOptions spark = parse(args);

    assertThat(spark.getUsesProvidedSparkContext()).isTrue();
    assertThat(args).noneMatch(a -> a.startsWith("--sparkMaster"));
  }

  @Test
  void aRunWithoutACheckpointDirGetsANewTemporaryOneThatIsDeletedWhole() throws IOException {
    Path first = SparkJob.temporaryCheckpoint();
    Path second = SparkJob.temporaryCheckpoint();
    Files.createDirectories(first.resolve("receivedBlockMetadata"));
    Files.writeString(first.resolve("receivedBlockMetadata/log-1"), "x");

    assertThat(first).isDirectory().isNotEqualTo(second);
    SparkJob.deleteRecursively(first);
    SparkJob.deleteRecursively(second);
    assertThat(first).doesNotExist();
    assertThat(second).doesNotExist();
  }
}
