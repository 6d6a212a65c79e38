package io.ddb2delta.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventTimesTest {
  private static long[] range(long from, long to) {
    long[] t = new long[(int) (to - from + 1)];
    // Each time once, out of order, as a batch of several shards holds them (7919 is prime).
    for (int i = 0; i < t.length; i++) {
      t[i] = from + ((i * 7919L) % t.length);
    }
    return t;
  }

  @Test
  void aFewTimesAreKeptExactly() {
    EventTimes e = EventTimes.of(new long[] {30, 10, 20}, 3);
    assertThat(e.count()).isEqualTo(3);
    assertThat(e.points()).containsExactly(10, 20, 30);
    assertThat(EventTimes.quantile(List.of(e), 0.5)).isEqualTo(20);
    assertThat(EventTimes.quantile(List.of(e), 0.01)).isEqualTo(10);
    assertThat(EventTimes.quantile(List.of(e), 1.0)).isEqualTo(30);
  }

  @Test
  void manyTimesGiveQuantilesWithinOneRankStep() {
    // 1 to 10,000 ms: the median is 5,000, the 1st percentile 100; one step is 10,000 / 128.
    EventTimes e = EventTimes.of(range(1, 10_000), 10_000);
    assertThat(e.points()).hasSize(129);
    assertThat(EventTimes.quantile(List.of(e), 0.5)).isBetween(5_000L - 79, 5_000L + 79);
    assertThat(EventTimes.quantile(List.of(e), 0.01)).isBetween(100L - 79, 100L + 79);
  }

  @Test
  void summariesMergeByTheirCounts() {
    // 9,000 times in 1..9,000 and 1,000 in 100,001..101,000: the median lies in the first.
    EventTimes big = EventTimes.of(range(1, 9_000), 9_000);
    EventTimes small = EventTimes.of(range(100_001, 101_000), 1_000);
    long median = EventTimes.quantile(List.of(small, big), 0.5);
    assertThat(median).isBetween(5_000L - 80, 5_000L + 80);
    assertThat(EventTimes.quantile(List.of(small, big), 0.95)).isGreaterThan(100_000L);
    assertThat(EventTimes.quantile(List.of(EventTimes.none()), 0.5)).isEqualTo(-1);
  }
}
