package io.ddb2delta.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.change.SourceKind;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.tables.BronzeTable;
import io.ddb2delta.tables.DeltaTargets;
import io.ddb2delta.tables.QuarantineTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteAndCommitTest {
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
  void everyMessageLandsOnceInBronzeAndSilver() {
    WriteAndCommit committer = committer();
    CommitReport report = committer.commit(orders("shardId-0", 1, 50));

    assertThat(report.batch()).isZero();
    assertThat(rows(BronzeTable.NAME)).isEqualTo(50);
    assertThat(rows("orders_silver")).isEqualTo(50);
    assertThat(rows(QuarantineTable.NAME)).isZero();
    assertThat(committer.committedPositions().ofStream(STREAM)).containsEntry("shardId-0", "50");
    assertThat(DeltaTable.forPath(targets.pathOf(BronzeTable.NAME)).txnVersion(APP + "#0"))
        .isZero();
  }

  @Test
  void aReplayedBatchIsNotWrittenAgainEvenByANewCommitter() {
    committer().commit(orders("shardId-0", 1, 30));

    // A restarted job, as after a crash: fresh state, the same records delivered again plus new.
    List<ChangeMessage> replay = new ArrayList<>(orders("shardId-0", 1, 30));
    replay.addAll(orders("shardId-0", 31, 40));
    CommitReport report = committer().commit(replay);

    assertThat(report.duplicates()).isEqualTo(30);
    assertThat(rows(BronzeTable.NAME)).isEqualTo(40);
    assertThat(rows("orders_silver")).isEqualTo(40);
    assertThat(report.batch()).isEqualTo(1);
  }

  @Test
  void kinesisDuplicatesWithNewSequenceNumbersAreWrittenOnce() {
    WriteAndCommit committer = committer();
    List<ChangeMessage> first = new ArrayList<>(orders("shardId-0", 1, 10));
    // The same events re-sent by the producer: same eventID, later sequence numbers.
    first.add(order("shardId-0", 100, "event-3", "ord-3"));
    committer.commit(first);
    committer.commit(List.of(order("shardId-1", 7, "event-5", "ord-5")));

    assertThat(rows(BronzeTable.NAME)).isEqualTo(10);
  }

  @Test
  void aRecordArrivingAfterANewerOneOfItsShardIsStillWritten() {
    WriteAndCommit committer = committer();
    committer.commit(List.of(order("shardId-0", 5, "event-5", "ord-5")));
    // Sequence 3 was never committed: it is behind the committed position but must not be lost.
    committer.commit(List.of(order("shardId-0", 3, "event-3", "ord-3")));

    assertThat(rows(BronzeTable.NAME)).isEqualTo(2);
    assertThat(committer.committedPositions().ofStream(STREAM)).containsEntry("shardId-0", "5");
  }

  @Test
  void aCatchUpOfOldRecordsOutOfOrderLosesNone() {
    // A TRIM_HORIZON catch-up: every record's source time is far older than the horizon.
    long longAgo = System.currentTimeMillis() - 10 * HORIZON;
    WriteAndCommit committer = committer();
    committer.commit(List.of(aged(order("shardId-0", 5, "event-5", "ord-5"), longAgo)));
    // Sequence 3 reaches the committer after 5 was committed; it was never committed itself.
    committer.commit(List.of(aged(order("shardId-0", 3, "event-3", "ord-3"), longAgo)));
    // And so does a restarted committer's first batch.
    CommitReport report =
        committer().commit(List.of(aged(order("shardId-0", 2, "event-2", "ord-2"), longAgo)));

    assertThat(report.replays()).isZero();
    assertThat(rows(BronzeTable.NAME)).isEqualTo(3);
    assertThat(rows("orders_silver")).isEqualTo(3);
  }

  @Test
  void recordsBehindTheCommittedPositionAndOlderThanTheHorizonAreReplays()
      throws InterruptedException {
    WriteAndCommit committer = new WriteAndCommit(targets, APP, 1_000, 1 << 20);
    committer.commit(orders("shardId-0", 1, 5));
    long longAgo = System.currentTimeMillis() - 10_000;
    List<ChangeMessage> old = new ArrayList<>();
    for (ChangeMessage m : orders("shardId-0", 1, 5)) {
      old.add(
          new ChangeMessage(
              m.kind(),
              m.stream(),
              m.shard(),
              m.sequenceNumber(),
              longAgo,
              longAgo,
              m.payload(),
              null));
    }
    // Past the horizon the handled ids are forgotten; the committed positions still hold.
    Thread.sleep(1_200);
    WriteAndCommit restarted = new WriteAndCommit(targets, APP, 1_000, 1 << 20);
    CommitReport report = restarted.commit(old);

    assertThat(report.replays()).isEqualTo(5);
    assertThat(report.duplicates()).isZero();
    assertThat(rows(BronzeTable.NAME)).isEqualTo(5);
  }

  @Test
  void aReplayAfterTheHorizonIsRecognisedWhateverItsSourceTime() throws InterruptedException {
    WriteAndCommit committer = new WriteAndCommit(targets, APP, 1_000, 1 << 20);
    committer.commit(orders("shardId-0", 1, 5));
    Thread.sleep(1_200);
    // The handled ids are forgotten; records with fresh source times are still replays when they
    // sit at or before the position committed before the horizon.
    CommitReport report =
        new WriteAndCommit(targets, APP, 1_000, 1 << 20).commit(orders("shardId-0", 1, 5));

    assertThat(report.replays()).isEqualTo(5);
    assertThat(rows(BronzeTable.NAME)).isEqualTo(5);
  }

  private static ChangeMessage aged(ChangeMessage m, long arrivalMillis) {
    return new ChangeMessage(
        m.kind(),
        m.stream(),
        m.shard(),
        m.sequenceNumber(),
        arrivalMillis,
        arrivalMillis,
        m.payload(),
        null);
  }

  @Test
  void badPayloadsGoToQuarantineWithTheirShardAndSequenceNumber() {
    WriteAndCommit committer = committer();
    List<ChangeMessage> batch = new ArrayList<>();
    batch.add(message("shardId-0", 1, "{not json".getBytes(StandardCharsets.UTF_8)));
    batch.add(message("shardId-0", 2, KinesisFixtures.payload("bad/unknown-table.json")));
    batch.add(message("shardId-0", 3, KinesisFixtures.payload("bad/missing-keys.json")));
    batch.add(order("shardId-0", 4, "event-4", "ord-4"));
    CommitReport report = committer.commit(batch);

    assertThat(report.quarantined()).isEqualTo(3);
    assertThat(rows(QuarantineTable.NAME)).isEqualTo(3);
    assertThat(rows(BronzeTable.NAME)).isEqualTo(1);
    assertThat(report.rowsByTable())
        .containsEntry(QuarantineTable.NAME, 3L)
        .containsEntry(BronzeTable.NAME, 1L);
  }

  @Test
  void anEmptyBatchCommitsNothing() {
    WriteAndCommit committer = committer();
    CommitReport report = committer.commit(List.of());

    assertThat(report.messages()).isZero();
    assertThat(DeltaTable.forPath(targets.pathOf(BronzeTable.NAME)).txnVersion(APP + "#0"))
        .isEqualTo(-1);
  }

  @Test
  void positionsAndArrivalsAreReadBackFromTheTable() {
    committer().commit(orders("shardId-0", 1, 3));
    committer().commit(orders("shardId-1", 10, 12));

    WriteAndCommit restarted = committer();
    assertThat(restarted.committedPositions().ofStream(STREAM))
        .isEqualTo(Map.of("shardId-0", "3", "shardId-1", "12"));
    assertThat(restarted.committedArrivals().ofStream(STREAM))
        .containsOnlyKeys("shardId-0", "shardId-1");
  }

  @Test
  void changesAtOrBeforeTheExportTimeOfTheirTableAreCountedAsTheOverlapAndStillWritten() {
    long eventMicros = 1_700_000_000_123_000L; // the fixtures' ApproximateCreationDateTime
    CommitReport at =
        new WriteAndCommit(targets, APP, HORIZON, 1 << 20, Map.of("orders", eventMicros))
            .commit(orders("shardId-0", 1, 3));
    CommitReport after =
        new WriteAndCommit(targets, APP, HORIZON, 1 << 20, Map.of("orders", eventMicros - 1))
            .commit(orders("shardId-0", 4, 5));
    CommitReport otherTable =
        new WriteAndCommit(targets, APP, HORIZON, 1 << 20, Map.of("users", eventMicros + 1))
            .commit(orders("shardId-0", 6, 6));

    assertThat(at.beforeExport()).isEqualTo(3);
    assertThat(after.beforeExport()).isZero();
    assertThat(otherTable.beforeExport()).isZero();
    assertThat(rows(BronzeTable.NAME)).isEqualTo(6);
  }

  private WriteAndCommit committer() {
    return new WriteAndCommit(targets, APP, HORIZON, 1 << 20);
  }

  private long rows(String table) {
    return DeltaTable.forPath(targets.pathOf(table)).numRecords();
  }

  /** Orders changes with sequence numbers from..to; the event id and key follow the number. */
  private static List<ChangeMessage> orders(String shard, int from, int to) {
    List<ChangeMessage> out = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      out.add(order(shard, i, "event-" + i, "ord-" + i));
    }
    return out;
  }

  private static ChangeMessage order(String shard, long sequence, String eventId, String key) {
    return message(shard, sequence, KinesisFixtures.orderInsert(eventId, key));
  }

  private static ChangeMessage message(String shard, long sequence, byte[] payload) {
    return new ChangeMessage(
        SourceKind.KINESIS,
        STREAM,
        shard,
        Long.toString(sequence),
        System.currentTimeMillis(),
        System.currentTimeMillis(),
        payload,
        null);
  }
}
