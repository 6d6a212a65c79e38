package io.ddb2delta.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.tools.LoadGenerator.Op;
import io.ddb2delta.tools.StreamLatency.BronzeRow;
import io.ddb2delta.tools.StreamLatency.Joined;
import io.ddb2delta.tools.StreamLatency.Percentiles;
import io.ddb2delta.tools.StreamLatency.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamLatencyTest {

  private static LoadLog.Entry entry(long writeMs, String table, Op op, String key) {
    return new LoadLog.Entry(writeMs - 5, writeMs, table, op, key);
  }

  private static BronzeRow row(String table, String key, String id, String seq, long commitMs) {
    return new BronzeRow(table, key, id, "shard-" + table, seq, commitMs);
  }

  @Test
  void joinsTheNthChangeOfAKeyWithItsNthRowBySequenceNumber() {
    List<LoadLog.Entry> log =
        List.of(
            entry(1_000, "orders", Op.INSERT, "o1"),
            entry(1_100, "users", Op.INSERT, "u1"),
            entry(1_200, "orders", Op.MODIFY, "o1"),
            entry(1_300, "orders", Op.REMOVE, "o1"));
    // Out of order, and sequence numbers of different lengths: 9 < 10 < 100 numerically.
    List<BronzeRow> bronze =
        List.of(
            row("orders", "o1", "e3", "100", 4_000),
            row("users", "u1", "e2", "7", 2_000),
            row("orders", "o1", "e1", "9", 2_000),
            row("orders", "o1", "e2b", "10", 3_000));

    Joined j = StreamLatency.join(log, bronze);

    assertThat(j.samples())
        .containsExactly(
            new Sample("orders", "o1", "shard-orders", 1_000, 1_000),
            new Sample("users", "u1", "shard-users", 1_100, 900),
            new Sample("orders", "o1", "shard-orders", 1_200, 1_800),
            new Sample("orders", "o1", "shard-orders", 1_300, 2_700));
    assertThat(j.missing()).isZero();
    assertThat(j.extra()).isZero();
    assertThat(j.duplicates()).isZero();
    assertThat(j.reconciled()).isTrue();
  }

  @Test
  void countsMissingExtraAndDuplicateRows() {
    List<LoadLog.Entry> log =
        List.of(entry(1_000, "orders", Op.INSERT, "o1"), entry(1_000, "orders", Op.INSERT, "o2"));
    List<BronzeRow> bronze =
        List.of(
            row("orders", "o1", "e1", "1", 2_000),
            row("orders", "o1", "e1", "1", 2_000),
            row("orders", "o3", "e9", "5", 2_000));

    Joined j = StreamLatency.join(log, bronze);

    assertThat(j.samples()).hasSize(1);
    assertThat(j.missing()).isEqualTo(1); // o2
    assertThat(j.extra()).isEqualTo(1); // o3
    assertThat(j.duplicates()).isEqualTo(1); // e1 twice
    assertThat(j.reconciled()).isFalse();
  }

  @Test
  void nearestRankPercentiles() {
    // 1..10: p50 is rank 5, p90 rank 9, p99 rank ceil(9.9) = 10.
    long[] values = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    assertThat(StreamLatency.percentiles(values)).isEqualTo(new Percentiles(10, 5, 9, 10, 10));
    // 1..200: p50 rank 100, p90 rank 180, p99 rank 198.
    long[] many = new long[200];
    for (int i = 0; i < many.length; i++) {
      many[i] = i + 1;
    }
    assertThat(StreamLatency.percentiles(many)).isEqualTo(new Percentiles(200, 100, 180, 198, 200));
    assertThat(StreamLatency.percentiles(new long[] {42}))
        .isEqualTo(new Percentiles(1, 42, 42, 42, 42));
    assertThat(StreamLatency.percentiles(new long[0])).isEqualTo(Percentiles.EMPTY);
  }

  @Test
  void groupsByShardAndOverTime() {
    List<Sample> samples =
        List.of(
            new Sample("t", "a", "s1", 0, 100),
            new Sample("t", "b", "s2", 0, 900),
            new Sample("t", "c", "s1", 50, 300),
            new Sample("t", "d", "s2", 99, 700));

    assertThat(StreamLatency.byShard(samples))
        .containsExactly(
            java.util.Map.entry("s1", new Percentiles(2, 100, 300, 300, 300)),
            java.util.Map.entry("s2", new Percentiles(2, 700, 900, 900, 900)));
    // Write times 0..99 in two halves of 50 ms: [0, 50) and [50, 99].
    assertThat(StreamLatency.overTime(samples, 2))
        .containsExactly(
            new Percentiles(2, 100, 900, 900, 900), new Percentiles(2, 300, 700, 700, 700));
  }

  @Test
  void readsShardAndSequenceFromASourcePosition() {
    assertThat(
            StreamLatency.shardAndSequence(
                "stream arn:aws:dynamodb:ddblocal:000000000000:table/orders/stream/2026-01-01T00:00:00.000"
                    + " shard shardId-0001 sequence 000000000000000000123"))
        .containsExactly("orders/shardId-0001", "000000000000000000123");
    assertThat(
            StreamLatency.shardAndSequence(
                "kinesis bench shard shardId-000000000002 sequence 4959"))
        .containsExactly("shardId-000000000002", "4959");
    assertThatThrownBy(() -> StreamLatency.shardAndSequence("export e file f line 1"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
