package io.ddb2delta.maintain;

import io.ddb2delta.delta.DeltaTableException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link LakeMaintenance} over every table of the lake once every {@code n} commits of a
 * streaming job, on one key, so that continuous commits do not pile up small files.
 *
 * <p>Input: one element per commit (the stream committer's reports), windowed in any way. Output:
 * the line each table's maintenance printed, or why it was skipped. Guarantees: the count survives
 * bundles and restarts of the runner's state (Beam state, no timer, so the Spark runner runs it
 * too); a table whose compaction loses to a concurrent commit of the job (a MERGE rewriting the
 * same files) is skipped until the next round, with nothing committed; maintenance never changes a
 * table's rows or what readers of its changes see, so the job's own readers of bronze are not
 * disturbed. It runs inside the step, so that step's worker is busy for as long as it takes.
 */
public final class MaintainEveryCommits
    extends PTransform<PCollection<String>, PCollection<String>> {
  private final LakeMaintenance lake;
  private final long every;

  private MaintainEveryCommits(LakeMaintenance lake, long every) {
    this.lake = lake;
    this.every = every;
  }

  /** Maintains {@code lake} after every {@code every} commits. */
  public static MaintainEveryCommits of(LakeMaintenance lake, long every) {
    return new MaintainEveryCommits(lake, every);
  }

  @Override
  public PCollection<String> expand(PCollection<String> commits) {
    if (every < 1) {
      throw new IllegalArgumentException("maintenance needs a positive commit count: " + every);
    }
    return commits
        .apply("Global window", Window.into(new GlobalWindows()))
        .apply(
            "One key",
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.strings()))
                .via(c -> KV.of(0, c)))
        .setCoder(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of()))
        .apply("Maintain", ParDo.of(new Maintain(lake, every)))
        .setCoder(StringUtf8Coder.of());
  }

  /** Counts commits in state and maintains the lake at every {@code every}-th. */
  static final class Maintain extends DoFn<KV<Integer, String>, String> {
    private static final Logger LOG = LoggerFactory.getLogger(MaintainEveryCommits.class);

    private final LakeMaintenance lake;
    private final long every;
    private final Counter rounds = Metrics.counter("maintenance", "rounds");
    private final Counter skipped = Metrics.counter("maintenance", "skipped_tables");

    @StateId("commits")
    private final StateSpec<ValueState<Long>> commitsSpec = StateSpecs.value(VarLongCoder.of());

    Maintain(LakeMaintenance lake, long every) {
      this.lake = lake;
      this.every = every;
    }

    @ProcessElement
    public void process(@StateId("commits") ValueState<Long> commits, OutputReceiver<String> out) {
      Long seen = commits.read();
      long count = (seen == null ? 0 : seen) + 1;
      commits.write(count);
      if (count % every != 0) {
        return;
      }
      rounds.inc();
      for (String table : lake.tables()) {
        String line;
        try {
          line = lake.maintain(table);
        } catch (DeltaTableException e) {
          skipped.inc();
          line = "maintain " + table + ": skipped until the next round: " + e.getMessage();
        }
        LOG.info("After {} commits: {}", count, line);
        out.output(line);
      }
    }
  }
}
