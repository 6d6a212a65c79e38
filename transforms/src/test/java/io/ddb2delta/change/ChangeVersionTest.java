package io.ddb2delta.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.model.DynamoValue;
import java.time.Instant;
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
}
