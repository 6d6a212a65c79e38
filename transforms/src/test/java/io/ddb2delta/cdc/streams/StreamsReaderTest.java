package io.ddb2delta.cdc.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.cdc.ChangeMessage;
import io.ddb2delta.cdc.KinesisRecordDecoder;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.model.DynamoValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/** The reader against an in-memory stream: lineage, faults, checkpoints, watermark, back-off. */
class StreamsReaderTest {
  private static final long T0 = 1_700_000_000_000L;

  private final FakeStreamsClient fake = new FakeStreamsClient();
  private final AtomicLong clock = new AtomicLong(T0);

  private StreamsReader reader(DynamoDbStreamsIO.Read read, @Nullable StreamsCheckpoint cp) {
    return new StreamsReader(new StreamsSource(read), fake, cp, "us-east-1", clock::get);
  }

  private static DynamoDbStreamsIO.Read read() {
    return DynamoDbStreamsIO.read().withTableName(FakeStreamsClient.TABLE);
  }

  private static Instant at(long secondsAfterT0) {
    return Instant.ofEpochMilli(T0 + secondsAfterT0 * 1000);
  }

  /**
   * Calls start/advance, moving the clock 50 ms whenever nothing is ready, until {@code max}
   * messages or 30 s of fake time without one.
   */
  private List<ChangeMessage> drain(StreamsReader r, boolean started, int max) throws IOException {
    List<ChangeMessage> out = new ArrayList<>();
    boolean has = started ? r.advance() : r.start();
    long idleSince = clock.get();
    while (out.size() < max && clock.get() - idleSince < 30_000) {
      if (has) {
        out.add(r.getCurrent());
        idleSince = clock.get();
        if (out.size() == max) {
          break;
        }
      } else {
        clock.addAndGet(50);
      }
      has = r.advance();
    }
    return out;
  }

  private static List<String> ids(List<ChangeMessage> messages) {
    KinesisRecordDecoder decoder =
        KinesisRecordDecoder.forTables(Map.of("orders", List.of("order_id")));
    List<String> ids = new ArrayList<>();
    for (ChangeMessage m : messages) {
      var change = decoder.decode(m.payload(), m.stream(), m.shard(), m.sequenceNumber());
      ids.add(((DynamoValue.S) change.record().keys().get("order_id")).value());
    }
    return ids;
  }

  /** A parent with 5 records split into two children (listed first), each with records. */
  private void split() {
    fake.shard("child-a", "parent").shard("child-b", "parent").shard("parent", null);
    for (int i = 1; i <= 5; i++) {
      fake.put("parent", "p" + i, at(i));
    }
    fake.close("parent");
    fake.put("child-a", "a1", at(10));
    fake.put("child-a", "a2", at(11));
    fake.put("child-b", "b1", at(10));
    fake.put("child-b", "b2", at(12));
    fake.put("child-b", "b3", at(13));
    fake.close("child-b");
  }

  @Test
  void aSplitParentIsReadFullyBeforeEitherChild() throws IOException {
    split();
    StreamsReader r = reader(read(), null);

    List<ChangeMessage> out = drain(r, false, 100);

    assertThat(ids(out).subList(0, 5)).containsExactly("p1", "p2", "p3", "p4", "p5");
    assertThat(ids(out).subList(5, 10)).containsExactlyInAnyOrder("a1", "a2", "b1", "b2", "b3");
    assertThat(ids(out)).hasSize(10);
    int lastParentPoll = fake.polls.lastIndexOf("parent");
    assertThat(fake.polls.subList(0, lastParentPoll + 1)).containsOnly("parent");
    // Children were read from their start, in sequence order each.
    assertThat(ids(out)).containsSubsequence("a1", "a2").containsSubsequence("b1", "b2", "b3");
    assertThat(r.getCheckpointMark().finished()).containsExactly("child-b", "parent");
  }

  @Test
  void messagesCarryThePositionTimeAndTheKinesisShapedPayload() throws IOException {
    fake.shard("s1", null);
    String seq = fake.put("s1", "o1", at(5));
    StreamsReader r = reader(read(), null);

    assertThat(r.start()).isTrue();
    ChangeMessage m = r.getCurrent();

    assertThat(m.kind()).isEqualTo(SourceKind.DYNAMODB_STREAMS);
    assertThat(m.stream()).isEqualTo(FakeStreamsClient.ARN);
    assertThat(m.shard()).isEqualTo("s1");
    assertThat(m.sequenceNumber()).isEqualTo(seq);
    assertThat(m.arrivalMillis()).isEqualTo(T0 + 5000);
    assertThat(m.readError()).isNull();
    assertThat(r.getCurrentTimestamp().getMillis()).isEqualTo(T0 + 5000);
    String json = new String(m.payload(), StandardCharsets.UTF_8);
    assertThat(json)
        .contains("\"awsRegion\":\"us-east-1\"")
        .contains("\"eventID\":\"ev-" + seq + "\"")
        .contains("\"tableName\":\"orders\"")
        .contains("\"ApproximateCreationDateTime\":" + (T0 + 5000) * 1000);
    assertThat(ids(List.of(m))).containsExactly("o1");
  }

  @Test
  void aRecordThatDoesNotDecodeIsEmittedWithItsError() throws IOException {
    fake.shard("s1", null);
    Record bad =
        Record.builder()
            .eventName("INSERT")
            .dynamodb(
                StreamRecord.builder()
                    .sequenceNumber("000000000000000000007")
                    .approximateCreationDateTime(at(1))
                    .build())
            .build();
    fake.putRaw("s1", bad);
    fake.putRaw("s1", Record.builder().eventID("no-dynamodb-part").eventName("INSERT").build());
    fake.put("s1", "good", at(2));
    StreamsReader r = reader(read(), null);

    List<ChangeMessage> out = drain(r, false, 3);

    assertThat(out).hasSize(3);
    assertThat(out.get(0).readError()).isEqualTo("INVALID_SHAPE: record has no eventID");
    assertThat(out.get(0).sequenceNumber()).isEqualTo("000000000000000000007");
    assertThat(new String(out.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo(bad.toString());
    assertThat(out.get(1).readError()).startsWith("INVALID_SHAPE: ");
    assertThat(out.get(1).sequenceNumber()).isEqualTo("unknown");
    assertThat(out.get(2).readError()).isNull();
  }

  @Test
  void aTableWithoutAStreamFailsWithHowToEnableIt() {
    fake.hasStream = false;
    StreamsReader r = reader(read(), null);

    assertThatThrownBy(r::start)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("table orders has no DynamoDB stream")
        .hasMessageContaining("NEW_AND_OLD_IMAGES")
        .hasMessageContaining("aws-setup --tables orders");
  }

  @Test
  void trimmedRecordsFailTheReadNamingTheGap() throws IOException {
    fake.shard("s1", null);
    List<String> seqs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      seqs.add(fake.put("s1", "o" + i, at(i)));
    }
    StreamsReader r = reader(read(), null);
    assertThat(drain(r, false, 2)).hasSize(2);
    fake.trim("s1", 4);

    assertThatThrownBy(() -> drain(r, true, 10))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(FakeStreamsClient.ARN)
        .hasMessageContaining("shard s1")
        .hasMessageContaining("after sequence number " + seqs.get(1))
        .hasMessageContaining("trimmed")
        .hasMessageContaining("24 hours")
        .hasMessageContaining("gap")
        .hasMessageContaining("new full export of table orders");
  }

  @Test
  void theTrimmedGapIsNamedWithTheTimeOfTheLastChangeReadAndHowToRepairIt() throws IOException {
    fake.shard("s1", null);
    for (int i = 0; i < 6; i++) {
      fake.put("s1", "o" + i, at(60 * i));
    }
    StreamsReader r = reader(read(), null);
    assertThat(drain(r, false, 2)).hasSize(2);
    fake.trim("s1", 4);

    // The second record read was made at T0 + 60 s: 2023-11-14T22:14:20Z.
    assertThatThrownBy(() -> drain(r, true, 10))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("(a change made at 2023-11-14T22:14:20Z) were trimmed")
        .hasMessageContaining(
            "take an incremental export of table orders from at most 2023-11-14T22:14:20Z to now")
        .hasMessageContaining("--streamsAcrossTrimmedGap");
  }

  @Test
  void askedToReadAcrossATrimmedGapTheReadGoesOnFromTheOldestRecord() throws IOException {
    fake.shard("s1", null);
    for (int i = 0; i < 6; i++) {
      fake.put("s1", "o" + i, at(i));
    }
    StreamsReader r = reader(read().withReadAcrossTrimmedGaps(true), null);
    assertThat(ids(drain(r, false, 2))).containsExactly("o0", "o1");
    fake.trim("s1", 4);

    // o2 and o3 are gone: the gap an incremental export repairs; the read goes on with o4.
    assertThat(ids(drain(r, true, 10))).containsExactly("o4", "o5");
  }

  @Test
  void askedToReadAcrossATrimmedGapAResumedReadStartsAtTheOldestRecord() throws IOException {
    fake.shard("s1", null);
    String first = fake.put("s1", "o0", at(0));
    fake.put("s1", "o1", at(1));
    fake.put("s1", "o2", at(2));
    fake.trim("s1", 2);
    StreamsReader r =
        reader(
            read().withStartPositions(Map.of("s1", first)).withReadAcrossTrimmedGaps(true), null);

    assertThat(ids(drain(r, false, 10))).containsExactly("o2");
  }

  @Test
  void aTrimHorizonIteratorTakenBeforeAnyRecordReadsOnFromTheNewHorizon() throws IOException {
    fake.shard("s1", null);
    StreamsReader r = reader(read(), null);
    assertThat(drain(r, false, 1)).isEmpty();
    fake.put("s1", "o0", at(0));
    fake.put("s1", "o1", at(1));
    fake.put("s1", "o2", at(2));
    fake.trim("s1", 1);

    // Nothing was read, and the read starts at the oldest record: no gap, so no failure.
    assertThat(drain(r, true, 10)).hasSize(2);
  }

  @Test
  void resumingIntoTrimmedRecordsFailsToo() {
    fake.shard("s1", null);
    String first = fake.put("s1", "o0", at(0));
    fake.put("s1", "o1", at(1));
    fake.put("s1", "o2", at(2));
    fake.trim("s1", 2);
    StreamsReader r = reader(read().withStartPositions(Map.of("s1", first)), null);

    assertThatThrownBy(r::start)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("after sequence number " + first)
        .hasMessageContaining("trimmed");
  }

  @Test
  void anExpiredIteratorIsRenewedAfterTheLastRecordRead() throws IOException {
    fake.shard("s1", null);
    List<String> seqs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      seqs.add(fake.put("s1", "o" + i, at(i)));
    }
    StreamsReader r = reader(read(), null);
    List<ChangeMessage> out = new ArrayList<>(drain(r, false, 2));
    fake.expireNextGetRecords("s1");

    out.addAll(drain(r, true, 10));

    assertThat(ids(out)).containsExactly("o0", "o1", "o2", "o3", "o4", "o5");
    GetShardIteratorRequest renewed = fake.iteratorRequests.get(1);
    assertThat(renewed.shardIteratorType()).isEqualTo(ShardIteratorType.AFTER_SEQUENCE_NUMBER);
    assertThat(renewed.sequenceNumber()).isEqualTo(seqs.get(1));
  }

  @Test
  void anIteratorExpiredBeforeAnyRecordIsRenewedAtTheStartPosition() throws IOException {
    fake.shard("s1", null);
    fake.put("s1", "o0", at(0));
    fake.expireNextGetRecords("s1");
    StreamsReader r = reader(read(), null);

    assertThat(ids(drain(r, false, 10))).containsExactly("o0");
    assertThat(fake.iteratorRequests)
        .extracting(GetShardIteratorRequest::shardIteratorType)
        .containsExactly(ShardIteratorType.TRIM_HORIZON, ShardIteratorType.TRIM_HORIZON);
  }

  private static StreamsCheckpoint roundTrip(StreamsCheckpoint c) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StreamsCheckpoint.Coder.of().encode(c, out);
    return StreamsCheckpoint.Coder.of().decode(new ByteArrayInputStream(out.toByteArray()));
  }

  @Test
  void resumingFromACheckpointNeitherRepeatsNorSkips() throws IOException {
    split();
    List<String> all = ids(drain(reader(read(), null), false, 100));
    assertThat(all).hasSize(10);

    // Stop after every count, including inside the parent's last page and at its end.
    for (int k = 1; k <= 10; k++) {
      fake.polls.clear();
      StreamsReader first = reader(read(), null);
      List<String> joined = new ArrayList<>(ids(drain(first, false, k)));
      StreamsCheckpoint cp = roundTrip(first.getCheckpointMark());
      joined.addAll(ids(drain(reader(read(), cp), false, 100)));

      assertThat(joined).as("stopped after %d", k).doesNotHaveDuplicates();
      assertThat(joined).as("stopped after %d", k).containsExactlyInAnyOrderElementsOf(all);
      assertThat(joined.subList(0, 5))
          .as("stopped after %d", k)
          .containsExactly("p1", "p2", "p3", "p4", "p5");
    }
  }

  @Test
  void startPositionsSkipAncestorsReadDescendantsFromTheStartAndOthersFromTheInitialPosition()
      throws IOException {
    fake.shard("parent", null).shard("child", "parent").shard("other", null);
    List<String> p = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      p.add(fake.put("parent", "p" + i, at(i)));
    }
    fake.close("parent");
    fake.put("child", "c1", at(10));
    fake.put("child", "c2", at(11));
    fake.put("other", "x1", at(1));

    List<ChangeMessage> fromParent =
        drain(
            reader(
                read()
                    .withInitialPosition(StartPosition.LATEST)
                    .withStartPositions(Map.of("parent", p.get(1))),
                null),
            false,
            100);
    assertThat(ids(fromParent)).containsExactly("p3", "p4", "c1", "c2");

    List<ChangeMessage> fromChild =
        drain(
            reader(
                read()
                    .withInitialPosition(StartPosition.TRIM_HORIZON)
                    .withStartPositions(Map.of("child", fromParent.get(2).sequenceNumber())),
                null),
            false,
            100);
    // The parent is the child's ancestor, so it was read already; "other" follows TRIM_HORIZON.
    assertThat(ids(fromChild)).containsExactlyInAnyOrder("c2", "x1");
  }

  @Test
  void withLatestOnlyNewRecordsAreReadAndShardsFoundLaterFromTheirStart() throws IOException {
    fake.shard("s1", null);
    fake.put("s1", "old", at(0));
    StreamsReader r = reader(read().withInitialPosition(StartPosition.LATEST), null);
    assertThat(r.start()).isFalse();

    fake.put("s1", "new", at(1));
    fake.close("s1");
    // Rollover: a new shard appears after the start; it is read from its beginning.
    fake.shard("s2", "s1");
    fake.put("s2", "next1", at(2));
    fake.put("s2", "next2", at(3));

    assertThat(ids(drain(r, true, 10))).containsExactly("new", "next1", "next2");
  }

  @Test
  void theWatermarkIsTheSlowestReadableShardAndNeverGoesBack() throws IOException {
    fake.shard("s1", null).shard("s2", null);
    fake.put("s1", "a", Instant.ofEpochMilli(T0 - 60_000));
    fake.put("s2", "b", Instant.ofEpochMilli(T0 - 30_000));
    StreamsReader r = reader(read().withIdleWatermarkDelay(Duration.standardSeconds(2)), null);

    assertThat(drain(r, false, 2)).hasSize(2);
    assertThat(r.getWatermark().getMillis()).isEqualTo(T0 - 60_000);

    // Both caught up; after the idle delay the watermark follows the clock.
    for (int i = 0; i < 100; i++) {
      clock.addAndGet(50);
      r.advance();
    }
    assertThat(r.getWatermark().getMillis()).isEqualTo(clock.get() - 2_000);

    // A record stamped in the past (DynamoDB Local truncates to the minute) does not lower it.
    long before = r.getWatermark().getMillis();
    fake.put("s1", "late", Instant.ofEpochMilli(T0 - 120_000));
    assertThat(drain(r, true, 1)).hasSize(1);
    assertThat(r.getWatermark().getMillis()).isGreaterThanOrEqualTo(before);
  }

  @Test
  void anIdleShardIsNotPolledHot() throws IOException {
    fake.shard("s1", null);
    StreamsReader r = reader(read().withPollInterval(Duration.millis(250)), null);
    r.start();
    for (int i = 0; i < 1000; i++) {
      clock.addAndGet(10);
      assertThat(r.advance()).isFalse();
    }
    // 10 s idle: polls at 0, 0.25, 0.75, 1.75, 3.75, 5.75, 7.75, 9.75 s.
    assertThat(fake.polls).hasSize(8);
  }

  @Test
  void closeClosesTheClient() throws IOException {
    fake.shard("s1", null);
    StreamsReader r = reader(read(), null);
    r.start();
    r.close();
    assertThat(fake.closedClient).isTrue();
  }
}
