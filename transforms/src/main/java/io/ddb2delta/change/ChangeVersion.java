package io.ddb2delta.change;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The version of an item that a change leaves behind, as text whose order is the order in which the
 * changes of one item happened, whatever their source.
 *
 * <p>The form is {@code <event time, UTC, to the microsecond> <rank> <sequence>}:
 *
 * <ul>
 *   <li>the event time first: DynamoDB's {@code ApproximateCreationDateTime} for a change, the
 *       export time for a row of a full export, the write time for a change of an incremental one;
 *   <li>then the rank: {@code c} for a change, {@code x} for a full export's row, so an export wins
 *       over every change at or before its export time, whose effect it already holds;
 *   <li>then the sequence, as a two-digit length and the digits, so numbers of different lengths
 *       compare as numbers: the DynamoDB Streams sequence number, which orders the changes of an
 *       item within its shard lineage; for Kinesis, the sequence number of the carrying record,
 *       which only breaks ties between changes of one millisecond or microsecond; 0 for exports.
 * </ul>
 *
 * <p>Equal texts mean the same change delivered twice.
 */
public final class ChangeVersion {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private ChangeVersion() {}

  public static String of(ChangeRecord record) {
    long micros = record.eventTimeMicros();
    Instant at =
        Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000);
    boolean exportRow = record.op() == Op.SNAPSHOT;
    String sequence =
        record.source() == SourceKind.EXPORT ? "0" : digits(record.position().offset(), record);
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
