package io.ddb2delta.tables;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaTableSchema;
import io.ddb2delta.delta.DeltaType;
import io.ddb2delta.model.DynamoJson;
import io.ddb2delta.model.DynamoValue;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code dynamodb_bronze}: one append-only row per source record, for every table and source.
 *
 * <p>Images are stored as DynamoDB JSON text, exactly as read, so the bronze table can replay any
 * later silver mapping. Partitioned by {@code table_name} and {@code event_date} (UTC), which keeps
 * a table's day of changes together for replays, MERGEs and time-bounded dashboard queries.
 */
public final class BronzeTable {
  public static final String NAME = "dynamodb_bronze";

  public static final DeltaTableSchema SCHEMA =
      new DeltaTableSchema(
          List.of(
              DeltaColumn.required("table_name", DeltaType.STRING),
              DeltaColumn.required("event_id", DeltaType.STRING),
              DeltaColumn.required("event_type", DeltaType.STRING),
              DeltaColumn.required("keys", DeltaType.STRING),
              DeltaColumn.of("new_image", DeltaType.STRING),
              DeltaColumn.of("old_image", DeltaType.STRING),
              DeltaColumn.required("event_timestamp", DeltaType.TIMESTAMP),
              DeltaColumn.required("source", DeltaType.STRING),
              DeltaColumn.required("source_position", DeltaType.STRING),
              DeltaColumn.required("processing_timestamp", DeltaType.TIMESTAMP),
              DeltaColumn.required("event_date", DeltaType.DATE)),
          List.of("table_name", "event_date"),
          Set.of("event_id", "keys", "new_image", "old_image", "source_position"));

  private static final long MICROS_PER_DAY = 86_400_000_000L;

  private BronzeTable() {}

  /**
   * The bronze row for a record. Where the decoder kept the images' original text, that text is
   * stored as is; otherwise the images are encoded from the model, which is lossless.
   */
  public static Object[] row(ChangeRecord record, @Nullable RawImages raw, long processingMicros) {
    return new Object[] {
      record.tableName(),
      record.eventId(),
      record.op().name(),
      raw != null && raw.keys() != null ? raw.keys() : DynamoJson.writeItem(record.keys()),
      raw != null && raw.newImage() != null
          ? raw.newImage()
          : record.newImage() == null ? null : DynamoJson.writeItem(record.newImage()),
      raw != null && raw.oldImage() != null
          ? raw.oldImage()
          : record.oldImage() == null ? null : DynamoJson.writeItem(record.oldImage()),
      record.eventTimeMicros(),
      record.source().label(),
      record.position().toString(),
      processingMicros,
      (int) Math.floorDiv(record.eventTimeMicros(), MICROS_PER_DAY)
    };
  }

  /**
   * The change a bronze row holds, as its source's decoder gave it (without the raw texts).
   *
   * @param where names the row's origin in the error of a row that is not a change
   */
  public static DecodedChange change(Object[] row, String where) {
    try {
      ChangeRecord record =
          new ChangeRecord(
              (String) row[0],
              Op.valueOf((String) row[2]),
              DynamoJson.parseItem((String) row[3]),
              image(row[4]),
              image(row[5]),
              (Long) row[6],
              (String) row[1],
              SourcePosition.parse((String) row[8]));
      return new DecodedChange(record, new RawImages(null, null, null), null, false, null);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          where
              + " holds a row that is not a change (event "
              + row[1]
              + " at "
              + row[8]
              + "): "
              + e.getMessage(),
          e);
    }
  }

  private static @Nullable Map<String, DynamoValue> image(@Nullable Object json) {
    return json == null ? null : DynamoJson.parseItem((String) json);
  }

  /** The original DynamoDB JSON text of a record's parts, where the decoder could keep it. */
  public record RawImages(
      @Nullable String keys, @Nullable String newImage, @Nullable String oldImage) {}
}
