package io.ddb2delta.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.cdc.ShardPositions;
import io.ddb2delta.pipelines.RetiredShards.State;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which committed shards a restart retires, from what the source says of each. */
class RetiredShardsTest {
  private static final String STREAM = "ddb2delta-orders";
  private static final long MARGIN = 300_000;

  /** Committed positions and newest arrivals (epoch ms) per shard: {shard, sequence, arrival}. */
  private static ShardPositions[] committed(String[]... shards) {
    ShardPositions positions = ShardPositions.empty();
    ShardPositions arrivals = ShardPositions.empty();
    for (String[] s : shards) {
      positions = positions.with(STREAM, s[0], s[1]);
      arrivals = arrivals.with(STREAM, s[0], s[2]);
    }
    return new ShardPositions[] {positions, arrivals};
  }

  @Test
  void aClosedReadParentOlderThanTheResumeTimeRetiresAndNoLongerPinsTheResume() {
    ShardPositions[] c =
        committed(
            new String[] {"parent", "100", "1000"},
            new String[] {"child-1", "200", "500000"},
            new String[] {"child-2", "300", "600000"});
    Map<String, State> states =
        Map.of("parent", State.CLOSED_AND_READ, "child-1", State.SERVED, "child-2", State.SERVED);

    // The children resume at 500,000 - 300,000 = 200,000 ms; the parent's last arrival is 1,000.
    ShardPositions retired = RetiredShards.choose(STREAM, states, c[0], c[1], MARGIN, true);

    assertThat(retired.ofStream(STREAM)).isEqualTo(Map.of("parent", "100"));
  }

  @Test
  void aClosedReadShardThatTheResumeWouldStillReadIsKept() {
    ShardPositions[] c =
        committed(
            new String[] {"parent", "100", "250000"}, new String[] {"child", "200", "500000"});
    Map<String, State> states = Map.of("parent", State.CLOSED_AND_READ, "child", State.SERVED);

    // 250,000 is after the resume time 200,000: a replay of it still needs its position.
    assertThat(RetiredShards.choose(STREAM, states, c[0], c[1], MARGIN, true).isEmpty()).isTrue();
  }

  @Test
  void aClosedShardNotReadToItsEndIsKeptAndKeepsTheResumeBack() {
    ShardPositions[] c =
        committed(
            new String[] {"parent", "100", "1000"},
            new String[] {"old", "150", "2000"},
            new String[] {"child", "200", "500000"});
    // "old" is closed but has records after its position: it is SERVED, and the resume time
    // (2,000 - 300,000) then keeps the parent too.
    Map<String, State> states =
        Map.of("parent", State.CLOSED_AND_READ, "old", State.SERVED, "child", State.SERVED);

    assertThat(RetiredShards.choose(STREAM, states, c[0], c[1], MARGIN, true).isEmpty()).isTrue();
  }

  @Test
  void aShardTheSourceNoLongerListsRetiresWhateverItsTime() {
    ShardPositions[] c =
        committed(
            new String[] {"expired", "100", "490000"}, new String[] {"live", "200", "500000"});
    Map<String, State> states = Map.of("expired", State.GONE, "live", State.SERVED);

    assertThat(RetiredShards.choose(STREAM, states, c[0], c[1], MARGIN, true).ofStream(STREAM))
        .isEqualTo(Map.of("expired", "100"));
  }

  @Test
  void aKinesisStreamKeepsItsNewestShardWhenEveryShardWouldRetire() {
    ShardPositions[] c =
        committed(new String[] {"a", "100", "1000"}, new String[] {"b", "200", "9000"});
    Map<String, State> states = Map.of("a", State.CLOSED_AND_READ, "b", State.GONE);

    // Kinesis resumes by time: without a shard left it would start over at --initialPosition.
    assertThat(RetiredShards.choose(STREAM, states, c[0], c[1], MARGIN, true).ofStream(STREAM))
        .isEqualTo(Map.of("a", "100"));
  }

  @Test
  void dynamoDbStreamsRetireOnlyShardsTheStreamNoLongerLists() {
    ShardPositions[] c =
        committed(
            new String[] {"closed", "100", "1000"},
            new String[] {"gone", "150", "2000"},
            new String[] {"open", "200", "500000"});
    Map<String, State> states =
        Map.of("closed", State.CLOSED_AND_READ, "gone", State.GONE, "open", State.SERVED);

    // A listed shard left out would be read again from TRIM_HORIZON.
    assertThat(RetiredShards.choose(STREAM, states, c[0], c[1], MARGIN, false).ofStream(STREAM))
        .isEqualTo(Map.of("gone", "150"));
  }
}
