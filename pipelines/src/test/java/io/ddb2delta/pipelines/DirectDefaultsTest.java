package io.ddb2delta.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/** What {@code main}'s parsing changes of the DirectRunner's defaults, and what it leaves. */
class DirectDefaultsTest {
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  private static DirectOptions parsed(String... args) {
    return Ddb2Delta.parse(args).as(DirectOptions.class);
  }

  private static int beamsDefault() {
    return PipelineOptionsFactory.create().as(DirectOptions.class).getTargetParallelism();
  }

  @Test
  void aBatchRunUsesOneThreadPerCore() {
    assertThat(parsed("--source=export").getTargetParallelism()).isEqualTo(CORES);
  }

  @Test
  void aStreamingRunTakesOneThreadMoreThanBeamsCount() {
    // Beam's scheduling loop holds one thread while bundles run.
    assertThat(parsed("--source=export,kinesis").getTargetParallelism())
        .isEqualTo(beamsDefault() + 1);
    assertThat(parsed("--source=dynamodb-streams").getTargetParallelism())
        .isEqualTo(beamsDefault() + 1);
  }

  @Test
  void anExplicitThreadCountWins() {
    assertThat(parsed("--source=export", "--targetParallelism=7").getTargetParallelism())
        .isEqualTo(7);
  }

  @Test
  void theModelChecksAreOffUnlessAsked() {
    DirectOptions defaults = parsed("--source=export");
    assertThat(defaults.isEnforceImmutability()).isFalse();
    assertThat(defaults.isEnforceEncodability()).isFalse();
    assertThat(parsed("--enforceImmutability=true").isEnforceImmutability()).isTrue();
  }
}
