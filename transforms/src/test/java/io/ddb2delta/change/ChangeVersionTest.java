package io.ddb2delta.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.model.DynamoValue;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ChangeVersion}: the texts are written out by hand from the rule in its Javadoc. */
class ChangeVersionTest {
  private static final Map<String, DynamoValue> KEY = Map.of("order_id", new DynamoValue.S("o1"));

  private static ChangeRecord change(Op op, String at, SourcePosition position) {
    Instant t = Instant.parse(at);
    long micros = t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
    return new ChangeRecord(
        "orders", op, KEY, op == Op.REMOVE ? null : KEY, null, micros, "e1", position);
  }

  private static SourcePosition stream(String sequence) {
    return new SourcePosition(SourceKind.DYNAMODB_STREAMS, "arn:s", "shard-1", sequence);
  }

  @Test
  void aStreamsChangeIsItsTimeThenItsSequenceNumberWithItsLength() {
    assertThat(
            ChangeVersion.of(
                change(Op.INSERT, "2026-12-04T10:00:01Z", stream("000000000000000000042"))))
        .isEqualTo("2026-12-04T10:00:01.000000Z c 0242");
  }

  @Test
  void anExportRowStandsAMinuteEarlyAndRanksAfterEveryChangeOfThatInstant() {
    String export =
        ChangeVersion.of(
            change(
                Op.SNAPSHOT,
                "2026-12-04T10:00:01Z",
                SourcePosition.exportLine("01764", "data/a.json.gz", 7)));
    assertThat(export).isEqualTo("2026-12-04T09:59:01.000000Z x 010");
    String certainlyBefore =
        ChangeVersion.of(change(Op.MODIFY, "2026-12-04T09:59:01Z", stream("9".repeat(40))));
    String maybeAfter =
        ChangeVersion.of(change(Op.MODIFY, "2026-12-04T09:59:01.000001Z", stream("1")));
    assertThat(certainlyBefore).isLessThan(export);
    assertThat(maybeAfter).isGreaterThan(export);
  }

  @Test
  void anIncrementalExportRowStandsAMinuteBeforeItsWriteTimeWithTheWriteTimeAsSequence() {
    SourcePosition line = SourcePosition.exportLine("01765", "data/b.json.gz", 3);
    // WriteTimestampMicros 2026-12-04T10:00:01.234567Z = 1796378401234567 µs.
    String write = ChangeVersion.of(change(Op.MODIFY, "2026-12-04T10:00:01.234567Z", line));
    assertThat(write).isEqualTo("2026-12-04T09:59:01.234567Z x 161796378401234567");
    // A stream change stamped in the same second may have happened after the write: it wins.
    assertThat(ChangeVersion.of(change(Op.MODIFY, "2026-12-04T10:00:01Z", stream("1"))))
        .isGreaterThan(write);
    // A delete in the export stands the same way.
    assertThat(ChangeVersion.of(change(Op.REMOVE, "2026-12-04T10:00:01.234567Z", line)))
        .isEqualTo(write);
  }

  @Test
  void longerSequenceNumbersAreLaterAndMicrosecondsCount() {
    String nine = ChangeVersion.of(change(Op.MODIFY, "2026-12-04T10:00:00Z", stream("9")));
    String ten = ChangeVersion.of(change(Op.MODIFY, "2026-12-04T10:00:00Z", stream("10")));
    assertThat(ten).isGreaterThan(nine);
    SourcePosition kinesis =
        new SourcePosition(SourceKind.KINESIS, "orders-cdc", "shardId-0", "4959");
    assertThat(ChangeVersion.of(change(Op.REMOVE, "2026-12-04T10:00:00.000123Z", kinesis)))
        .isEqualTo("2026-12-04T10:00:00.000123Z c 044959");
  }

  @Test
  void aSequenceThatIsNotDigitsIsRefusedWithItsPosition() {
    assertThatThrownBy(
            () -> ChangeVersion.of(change(Op.MODIFY, "2026-12-04T10:00:00Z", stream("12a"))))
        .hasMessageContaining("stream arn:s shard shard-1 sequence 12a")
        .hasMessageContaining("not decimal digits");
  }

  private static final Map<String, DynamoValue> P = KEY;
  private static final Map<String, DynamoValue> Q =
      Map.of("order_id", new DynamoValue.S("o1"), "status", new DynamoValue.S("shipped"));
  private static final Map<String, DynamoValue> R =
      Map.of("order_id", new DynamoValue.S("o1"), "status", new DynamoValue.S("returned"));

  /** A Kinesis change of o1 at 10:00:00.007, carried by the record of sequence {@code seq}. */
  private static String kinesis(
      Op op, Map<String, DynamoValue> before, Map<String, DynamoValue> after, int seq) {
    return kinesisAt("2026-12-04T10:00:00.007Z", op, before, after, seq);
  }

  private static String kinesisAt(
      String at, Op op, Map<String, DynamoValue> before, Map<String, DynamoValue> after, int seq) {
    Instant t = Instant.parse(at);
    return ChangeVersion.of(
        new ChangeRecord(
            "orders",
            op,
            KEY,
            after,
            before,
            t.getEpochSecond() * 1_000_000 + t.getNano() / 1000,
            "e" + seq,
            new SourcePosition(SourceKind.KINESIS, "orders-cdc", "shardId-0", "" + seq)));
  }

  @Test
  void aKinesisChangeEndsWithTheDigestsOfItsNewAndOldImage() {
    // The digests of P and Q were computed by hand (see ItemDigestTest); "-" is an absent image.
    assertThat(kinesis(Op.MODIFY, P, Q, 4959))
        .isEqualTo("2026-12-04T10:00:00.007000Z c 044959 19029b3f9ed150a0 5972d55b76a8596b");
    assertThat(kinesis(Op.INSERT, null, P, 7))
        .isEqualTo("2026-12-04T10:00:00.007000Z c 017 5972d55b76a8596b -");
    assertThat(kinesis(Op.REMOVE, Q, null, 8))
        .isEqualTo("2026-12-04T10:00:00.007000Z c 018 - 19029b3f9ed150a0");
    // A MODIFY without its old image cannot be placed by its images: it has no digests.
    assertThat(kinesis(Op.MODIFY, null, Q, 9)).isEqualTo("2026-12-04T10:00:00.007000Z c 019");
  }

  @Test
  void ofTwoChangesOfOneMillisecondTheOneWhoseOldImageIsTheOthersNewIsNewestInAnyOrder() {
    String insert = kinesis(Op.INSERT, null, P, 9);
    String modify = kinesis(Op.MODIFY, P, Q, 5);
    assertThat(insert).isGreaterThan(modify);
    assertThat(ChangeVersion.newest(List.of(insert, modify))).isEqualTo(1);
    assertThat(ChangeVersion.newest(List.of(modify, insert))).isEqualTo(0);
    assertThat(ChangeVersion.ordered(List.of(modify, insert))).containsExactly(insert, modify);
  }

  @Test
  void aRemoveAndAnInsertOfOneMillisecondAreOrderedByTheAbsentImage() {
    String removed = kinesis(Op.REMOVE, Q, null, 7);
    String back = kinesis(Op.INSERT, null, P, 3);
    assertThat(ChangeVersion.newest(List.of(removed, back))).isEqualTo(1);
    // An insert and a delete of the same image link either way round (P, absent, P or absent, P,
    // absent): the version before them tells which.
    String inserted = kinesis(Op.INSERT, null, P, 8);
    String gone = kinesis(Op.REMOVE, P, null, 2);
    String deletedBefore = kinesisAt("2026-12-04T10:00:00.006Z", Op.REMOVE, Q, null, 1);
    assertThat(ChangeVersion.newest(List.of(deletedBefore, inserted, gone))).isEqualTo(2);
    String thereBefore = kinesisAt("2026-12-04T10:00:00.006Z", Op.INSERT, null, P, 1);
    assertThat(ChangeVersion.newest(List.of(thereBefore, inserted, gone))).isEqualTo(1);
  }

  @Test
  void threeChangesOfOneMillisecondFollowTheirImagesInEveryOrderOfArrival() {
    String a = kinesis(Op.INSERT, null, P, 30);
    String b = kinesis(Op.MODIFY, P, Q, 20);
    String c = kinesis(Op.MODIFY, Q, R, 10);
    for (List<String> arrival :
        List.of(
            List.of(a, b, c),
            List.of(a, c, b),
            List.of(b, a, c),
            List.of(b, c, a),
            List.of(c, a, b),
            List.of(c, b, a))) {
      assertThat(arrival.get(ChangeVersion.newest(arrival))).isEqualTo(c);
      assertThat(ChangeVersion.ordered(arrival)).containsExactly(a, b, c);
    }
    // A delete, an insert and a delete: both deletes end without an image, only one order links.
    String d1 = kinesis(Op.REMOVE, R, null, 3);
    String i = kinesis(Op.INSERT, null, P, 2);
    String d2 = kinesis(Op.REMOVE, P, null, 1);
    assertThat(ChangeVersion.ordered(List.of(d2, i, d1))).containsExactly(d1, i, d2);
  }

  @Test
  void anItemBackToAnEarlierImageIsPlacedByTheVersionBeforeItWhenOneIsGiven() {
    String before = kinesisAt("2026-12-04T10:00:00.006Z", Op.INSERT, null, P, 1);
    String there = kinesis(Op.MODIFY, P, Q, 3);
    String back = kinesis(Op.MODIFY, Q, P, 2);
    // P, Q, P: both orders of the two link once; the older version anchors the first.
    assertThat(ChangeVersion.newest(List.of(before, there, back))).isEqualTo(2);
    assertThat(ChangeVersion.ordered(List.of(back, there, before)))
        .containsExactly(before, there, back);
    // Without it, the order nearest to the text's is taken: the greater sequence last.
    assertThat(ChangeVersion.newest(List.of(there, back))).isEqualTo(0);
  }

  @Test
  void aLaterMillisecondIsNewerWhateverTheImagesAndStreamsChangesKeepTheirSequence() {
    String early = kinesisAt("2026-12-04T10:00:00.006Z", Op.MODIFY, Q, P, 9);
    String late = kinesis(Op.MODIFY, P, Q, 1);
    assertThat(ChangeVersion.newest(List.of(late, early))).isEqualTo(0);
    String first = ChangeVersion.of(change(Op.MODIFY, "2026-12-04T10:00:00Z", stream("2")));
    String second = ChangeVersion.of(change(Op.MODIFY, "2026-12-04T10:00:00Z", stream("10")));
    assertThat(ChangeVersion.newest(List.of(second, first))).isEqualTo(0);
    assertThat(ChangeVersion.ordered(List.of(second, first))).containsExactly(first, second);
  }
}
