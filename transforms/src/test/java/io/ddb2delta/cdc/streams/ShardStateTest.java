package io.ddb2delta.cdc.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;

/** The per-shard back-off schedule and watermark policy. */
class ShardStateTest {
  private static ShardState shard() {
    return new ShardState("s", ShardIteratorType.TRIM_HORIZON, null, 250);
  }

  @Test
  void emptyPollsDoubleTheWaitUpToEightPollIntervals() {
    ShardState s = shard();
    long now = 1_000;
    assertThat(s.due(now)).isTrue();
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      s.onEmpty(now);
      waits.add(s.nextPollMillis() - now);
      assertThat(s.due(s.nextPollMillis() - 1)).isFalse();
      now = s.nextPollMillis();
      assertThat(s.due(now)).isTrue();
    }
    assertThat(waits).containsExactly(250L, 500L, 1000L, 2000L, 2000L, 2000L, 2000L);
  }

  @Test
  void recordsResetTheBackOffAndAllowAnImmediatePoll() {
    ShardState s = shard();
    s.onEmpty(0);
    s.onEmpty(250);
    s.onEmpty(750);
    s.onRecords(1_000);
    assertThat(s.due(1_000)).isTrue();
    s.onEmpty(1_000);
    assertThat(s.nextPollMillis()).isEqualTo(1_250);
  }

  @Test
  void watermarkIsTheLastRecordUntilTheShardIsIdleForTheDelay() {
    ShardState s = shard();
    assertThat(s.watermarkMillis(10_000, 2_000)).isEqualTo(Long.MIN_VALUE);

    s.onRecords(10_000);
    s.onEmitted("1", 4_000);
    assertThat(s.watermarkMillis(10_000, 2_000)).isEqualTo(4_000);

    // Caught up at 10 s: still the last record until 12 s, then the clock minus the delay.
    s.onEmpty(10_000);
    assertThat(s.watermarkMillis(11_999, 2_000)).isEqualTo(4_000);
    assertThat(s.watermarkMillis(12_000, 2_000)).isEqualTo(10_000);
    assertThat(s.watermarkMillis(20_000, 2_000)).isEqualTo(18_000);
    // Further empty polls do not restart the idle time.
    s.onEmpty(20_000);
    assertThat(s.watermarkMillis(20_500, 2_000)).isEqualTo(18_500);

    // New records: back to the last record's time.
    s.onRecords(21_000);
    s.onEmitted("2", 19_500);
    assertThat(s.watermarkMillis(21_000, 2_000)).isEqualTo(19_500);
  }

  @Test
  void aRecordOlderThanTheLastDoesNotLowerTheShardWatermark() {
    ShardState s = shard();
    s.onRecords(0);
    s.onEmitted("1", 60_000);
    s.onEmitted("2", 0);
    assertThat(s.watermarkMillis(61_000, 2_000)).isEqualTo(60_000);
  }
}
