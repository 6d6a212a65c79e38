package io.ddb2delta.maintain;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.delta.DeltaTable;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MaintainEveryCommits} in a pipeline: over a lake whose {@code orders_current} was written
 * in 12 small MERGEs, 5 commits with a round every 2 maintain the lake twice, after the second and
 * the fourth commit, arriving in separate bundles; the first round packs the 12 files into one and
 * keeps the rows (version 0 created the table, 1 to 12 are the MERGEs, 13 the compaction), the
 * second finds nothing to pack and commits nothing.
 */
class MaintainEveryCommitsTest implements Serializable {
  @TempDir transient Path root;

  private void writeCurrent() {
    SmallMergeFiles.writeOrdersCurrent(root, 12);
  }

  @Test
  void everySecondCommitMaintainsEveryTableOnce() {
    writeCurrent();
    LakeMaintenance lake =
        new LakeMaintenance(
            root.toString(),
            null,
            128L << 20,
            8L << 20,
            Duration.ofDays(7),
            false,
            false,
            true,
            true,
            true,
            null);
    TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    TestStream<String> commits =
        TestStream.create(StringUtf8Coder.of())
            .addElements("stream")
            .addElements("stream")
            .addElements("stream")
            .addElements("stream")
            .addElements("stream")
            .advanceWatermarkToInfinity();
    PCollection<String> lines = p.apply(commits).apply(MaintainEveryCommits.of(lake, 2));
    PAssert.that(lines)
        .satisfies(
            all -> {
              List<String> current =
                  java.util.stream.StreamSupport.stream(all.spliterator(), false)
                      .filter(l -> l.startsWith("maintain orders_current:"))
                      .sorted()
                      .toList();
              assertThat(current)
                  .containsExactly(
                      "maintain orders_current: files 1 -> 1 (0 packed into 0) checkpoint at"
                          + " version 13; vacuum deleted 0 files (0.0 MB)",
                      "maintain orders_current: files 12 -> 1 (12 packed into 1) checkpoint at"
                          + " version 13; vacuum deleted 0 files (0.0 MB)");
              assertThat(all).hasSize(6); // orders_current, its tombstones and history, twice
              return null;
            });
    p.run().waitUntilFinish();

    DeltaTable current = DeltaTable.forPath(root.resolve("orders_current").toString());
    assertThat(current.files()).hasSize(1);
    assertThat(current.numRecords()).isEqualTo(12);
  }
}
