package io.ddb2delta.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardPositionsTest {

  @Test
  void sequenceNumbersCompareAsNumbersNotText() {
    assertThat(ShardPositions.compare("9", "10")).isNegative();
    assertThat(
            ShardPositions.compare(
                "49590338271490256608559692538361571095921575989136588898",
                "49590338271490256608559692538361571095921575989136588899"))
        .isNegative();
    assertThat(ShardPositions.compare("000000000000000000042", "000000000000000000042")).isZero();
  }

  @Test
  void positionsOnlyMoveForward() {
    ShardPositions p =
        ShardPositions.empty().with("s", "shard-1", "100").with("s", "shard-1", "99");

    assertThat(p.ofStream("s")).containsEntry("shard-1", "100");
  }

  @Test
  void jsonRoundTrips() {
    ShardPositions p =
        ShardPositions.empty()
            .with("a", "shard-1", "5")
            .with("b", "shard-2", "000000000000000000007");

    assertThat(ShardPositions.fromJson(p.toJson())).isEqualTo(p);
    assertThat(p.toJson())
        .isEqualTo("{\"a\":{\"shard-1\":\"5\"},\"b\":{\"shard-2\":\"000000000000000000007\"}}");
  }

  @Test
  void aTagThatIsNotAPositionMapIsRefused() {
    assertThatThrownBy(() -> ShardPositions.fromJson("{\"a\":{\"shard\":\"x1\"}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a shard position map");
  }

  @Test
  void withoutDropsOnlyShardsThatHaveNotMovedPastTheirRetiredPosition() {
    ShardPositions committed =
        ShardPositions.empty()
            .with("s", "a", "10")
            .with("s", "b", "20")
            .with("s", "c", "30")
            .with("t", "d", "5");
    ShardPositions retired =
        ShardPositions.empty().with("s", "a", "10").with("s", "b", "19").with("t", "d", "7");

    ShardPositions left = committed.without(retired);

    // a is at its retired position, d behind it: both go; b moved past 19; c was never retired.
    assertThat(left.asMap()).isEqualTo(Map.of("s", Map.of("b", "20", "c", "30")));
    assertThat(left.shardCount()).isEqualTo(2);
    assertThat(committed.onlyShardsOf(left).asMap()).isEqualTo(left.asMap());
    assertThat(ShardPositions.empty().with("s", "x", "1").onlyShardsOf(left).isEmpty()).isTrue();
  }
}
