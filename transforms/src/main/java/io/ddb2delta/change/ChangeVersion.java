package io.ddb2delta.change;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The version of an item that a change leaves behind, as text whose order is the order in which the
 * changes of one item happened, whatever their source.
 *
 * <p>The form is {@code <time, UTC, to the microsecond> <rank> <sequence>}:
 *
 * <ul>
 *   <li>the time first: DynamoDB's {@code ApproximateCreationDateTime} for a change; for an
 *       export's row, {@link #EXPORT_HANDOFF} before the time its image is as of: the export time
 *       (full export) or the item's write time, {@code WriteTimestampMicros} (incremental export);
 *   <li>then the rank: {@code c} for a change, {@code x} for an export's row, so the row wins over
 *       a change of the same time;
 *   <li>then the sequence, as a two-digit length and the digits, so numbers of different lengths
 *       compare as numbers: the DynamoDB Streams sequence number, which orders the changes of an
 *       item within its shard lineage; for Kinesis, the sequence number of the carrying record,
 *       which only breaks ties between changes of one millisecond or microsecond; 0 for a full
 *       export's row, the exact write time for an incremental export's.
 * </ul>
 *
 * <p>Why an export row stands {@link #EXPORT_HANDOFF} early: a change's time is rounded down (to
 * the second by DynamoDB Streams, to the minute by DynamoDB Local), while an export's is exact, so
 * a change stamped within that much of the export's time may have happened after it, and must win.
 * One that happened before it wins too, but only for a moment: the export holds the item as the
 * last change before the export left it, and that change follows it in the stream, later by
 * sequence, so it restores the export's image. Only a change stamped a whole {@code EXPORT_HANDOFF}
 * before the export time loses to the export's row, and the row already holds its effect.
 *
 * <p>Equal texts mean the same change delivered twice.
 */
public final class ChangeVersion {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  /** How much earlier than its export time a full export's row stands: DynamoDB Local's minute. */
  public static final Duration EXPORT_HANDOFF = Duration.ofMinutes(1);

  private ChangeVersion() {}

  public static String of(ChangeRecord record) {
    boolean exportRow = record.source() == SourceKind.EXPORT;
    long micros = record.eventTimeMicros() - (exportRow ? EXPORT_HANDOFF.toNanos() / 1000 : 0);
    Instant at =
        Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000);
    String sequence =
        !exportRow
            ? digits(record.position().offset(), record)
            : record.op() == Op.SNAPSHOT ? "0" : Long.toString(record.eventTimeMicros());
    return TIME.format(at)
        + (exportRow ? " x " : " c ")
        + String.format("%02d", sequence.length())
        + sequence;
  }

  private static String digits(String sequence, ChangeRecord record) {
    int start = 0;
    while (start < sequence.length() - 1 && sequence.charAt(start) == '0') {
      start++;
    }
    String trimmed = sequence.substring(start);
    if (trimmed.isEmpty()
        || trimmed.length() > 99
        || !trimmed.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(
          "the sequence number at " + record.position() + " is not decimal digits: " + sequence);
    }
    return trimmed;
  }
}
