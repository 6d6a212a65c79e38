package io.ddb2delta.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.change.SourceKind;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.tables.BronzeTable;
import io.ddb2delta.tables.DeltaTargets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The split write path: writers hand committables to the one committer, which may receive them
 * late, twice, or never (a crash), as Beam's retries and restarts deliver them.
 */
class WriterAndCommitterTest {
  private static final String STREAM = "ddb2delta-orders";
  private static final String APP = "ddb2delta-kinesis-" + STREAM;
  private static final long HORIZON = 60_000;

  @TempDir Path root;
  private DeltaTargets targets;

  @BeforeEach
  void setUp() {
    targets = new DeltaTargets(root.toString(), TableMapping.shipped("orders"));
  }

  @Test
  void aRetriedBatchKeepsItsNumberSoTheCommitterCommitsItOnce() {
    ChangeWriters writers = new ChangeWriters(APP, 1);
    TableCommitter committer = new TableCommitter(targets, writers);
    List<ChangeMessage> batch = orders("shardId-0", 1, 20);
    Committable first = writer(writers, 0, HORIZON).writeMessages(batch);
    // The bundle is retried on another instance, with the input in another order.
    List<ChangeMessage> shuffled = new ArrayList<>(batch);
    Collections.reverse(shuffled);
    Committable retried = writer(writers, 0, HORIZON).writeMessages(shuffled);

    assertThat(retried.batch()).isEqualTo(first.batch());
    committer.commit(List.of(first, retried));

    assertThat(rows(BronzeTable.NAME)).isEqualTo(20);
    assertThat(rows("orders_silver")).isEqualTo(20);
  }

  @Test
  void theWritersOfOnePaneShareOneCommitPerTable() {
    ChangeWriters writers = new ChangeWriters(APP, 2);
    TableCommitter committer = new TableCommitter(targets, writers);
    Committable a = writer(writers, 0, HORIZON).writeMessages(orders("shardId-0", 1, 10));
    Committable b = writer(writers, 1, HORIZON).writeMessages(orders("shardId-1", 1, 7));
    DeltaTable bronze = DeltaTable.forPath(targets.pathOf(BronzeTable.NAME));
    long before = bronze.version();

    committer.commit(List.of(a, b));

    assertThat(bronze.version()).isEqualTo(before + 1);
    assertThat(bronze.txnVersion(APP + "#0")).isZero();
    assertThat(bronze.txnVersion(APP + "#1")).isZero();
    assertThat(rows(BronzeTable.NAME)).isEqualTo(17);
    assertThat(committer.committedPositions().ofStream(STREAM))
        .isEqualTo(Map.of("shardId-0", "10", "shardId-1", "7"));
  }

  @Test
  void aBatchWaitsForItsWritersPreviousBatchAndThenSkipsWhatThatBatchHeld() throws Exception {
    ChangeWriters writers = new ChangeWriters(APP, 1);
    TableCommitter committer = new TableCommitter(targets, writers);
    Committable first = writer(writers, 0, HORIZON).writeMessages(orders("shardId-0", 1, 10));
    // Another instance gets the writer's next batch, which repeats five of the first's records,
    // while the first batch is still on its way to the committer.
    List<ChangeMessage> next = new ArrayList<>(orders("shardId-0", 6, 15));
    CompletableFuture<Committable> second =
        CompletableFuture.supplyAsync(() -> writer(writers, 0, HORIZON).writeMessages(next));
    Thread.sleep(300);
    assertThat(second).isNotDone();

    committer.commit(List.of(first));
    Committable written = second.get(10, TimeUnit.SECONDS);
    committer.commit(List.of(written));

    assertThat(written.batch()).isEqualTo(first.batch() + 1);
    assertThat(written.duplicates()).isEqualTo(5);
    assertThat(rows(BronzeTable.NAME)).isEqualTo(15);
  }

  @Test
  void aWriterWhosePreviousBatchNeverCommitsFailsNamingIt() {
    ChangeWriters writers = new ChangeWriters(APP, 1);
    new TableCommitter(targets, writers);
    writer(writers, 0, HORIZON).writeMessages(orders("shardId-0", 1, 10));

    assertThatThrownBy(() -> writer(writers, 0, 200).writeMessages(orders("shardId-0", 11, 12)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("batch 0 of writer " + APP + "#0")
        .hasMessageContaining("still not committed");
  }

  @Test
  void afterACrashTheLostBatchIsForgottenAndItsRecordsAreWrittenWhenReplayed() {
    ChangeWriters writers = new ChangeWriters(APP, 1);
    TableCommitter committer = new TableCommitter(targets, writers);
    committer.commit(List.of(writer(writers, 0, HORIZON).writeMessages(orders("shardId-0", 1, 5))));
    // Batch 1 is written, then the job dies before the committer gets it.
    writer(writers, 0, HORIZON).writeMessages(orders("shardId-0", 6, 10));

    // The next run settles before its writers start; the source replays from the committed
    // position, in batches cut differently.
    ChangeFileWriter.settle(targets, writers.txnAppId(0), HORIZON);
    Committable replayed = writer(writers, 0, HORIZON).writeMessages(orders("shardId-0", 6, 12));
    committer.commit(List.of(replayed));

    assertThat(replayed.batch()).isEqualTo(1);
    assertThat(replayed.duplicates()).isZero();
    assertThat(rows(BronzeTable.NAME)).isEqualTo(12);
  }

  @Test
  void aShardAlwaysGoesToTheSameWriterAndKinesisShardsSpreadOverFour() {
    ChangeWriters writers = new ChangeWriters(APP, 4);
    List<Integer> owners = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      String shard = String.format("shardId-%012d", s);
      int owner = writers.writerOf(order(shard, 1, "e", "k"));
      assertThat(writers.writerOf(order(shard, 99, "f", "j"))).isEqualTo(owner);
      owners.add(owner);
    }
    assertThat(owners).containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  @Test
  void aRetiredShardLeavesTheCommittedPositionsUnlessItHasMovedOn() {
    ChangeWriters writers = new ChangeWriters(APP, 1);
    List<ChangeMessage> first = new ArrayList<>(orders("shardId-0", 1, 5));
    first.addAll(orders("shardId-1", 1, 3));
    new TableCommitter(targets, writers)
        .commit(List.of(writer(writers, 0, HORIZON).writeMessages(first)));

    // A restart retires the closed parent at 5, and shardId-1 at 3, which then moves on to 6.
    ShardPositions retired =
        ShardPositions.empty().with(STREAM, "shardId-0", "5").with(STREAM, "shardId-1", "3");
    TableCommitter committer = new TableCommitter(targets, writers, retired);
    committer.commit(List.of(writer(writers, 0, HORIZON).writeMessages(orders("shardId-1", 4, 6))));

    assertThat(committer.committedPositions().ofStream(STREAM)).isEqualTo(Map.of("shardId-1", "6"));
    assertThat(committer.committedArrivals().ofStream(STREAM)).containsOnlyKeys("shardId-1");
    assertThat(rows(BronzeTable.NAME)).isEqualTo(11);
  }

  private ChangeFileWriter writer(ChangeWriters writers, int writer, long waitMillis) {
    return new ChangeFileWriter(targets, writers, writer, HORIZON, 1 << 20, waitMillis, Map.of());
  }

  private long rows(String table) {
    return DeltaTable.forPath(targets.pathOf(table)).numRecords();
  }

  private static List<ChangeMessage> orders(String shard, int from, int to) {
    List<ChangeMessage> out = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      out.add(order(shard, i, shard + "-event-" + i, shard + "-ord-" + i));
    }
    return out;
  }

  private static ChangeMessage order(String shard, long sequence, String eventId, String key) {
    return new ChangeMessage(
        SourceKind.KINESIS,
        STREAM,
        shard,
        Long.toString(sequence),
        System.currentTimeMillis(),
        System.currentTimeMillis(),
        KinesisFixtures.orderInsert(eventId, key),
        null);
  }
}
