package io.ddb2delta.cdc;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.DecodeException;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.model.DynamoJson;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.model.InvalidValueException;
import io.ddb2delta.tables.BronzeTable.RawImages;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;

/**
 * Decodes one DynamoDB Streams record, as the AWS SDK v2 returns it from GetRecords, into a change
 * envelope.
 *
 * <p>Guarantees: the envelope's event id, op, keys and images are the record's {@code eventID},
 * {@code eventName}, {@code Keys}, {@code NewImage} and {@code OldImage} (an absent or empty image
 * is null), with values mapped by {@link SdkAttributeValues}; the table is the caller's (a stream
 * belongs to one table); the position is the stream ARN, the shard and the record's own sequence
 * number; the event time is {@code ApproximateCreationDateTime} in epoch microseconds (DynamoDB
 * Local truncates it to the minute). {@link DecodedChange#ttlExpiry()} marks a REMOVE made by Time
 * to Live. The SDK keeps no original text, so the bronze text is {@link DynamoJson#writeItem} of
 * the values and there is no raw image for {@code _attributes}.
 *
 * <p>Every fault throws {@link DecodeException}: INVALID_SHAPE (a missing or unknown field),
 * MISSING_KEY, INVALID_VALUE or UNKNOWN_TABLE (see {@link #forTables}); the caller adds the
 * position and quarantines the record.
 */
public final class StreamsRecordDecoder implements Serializable {
  private final TableKeys tables;

  private StreamsRecordDecoder(TableKeys tables) {
    this.tables = tables;
  }

  /**
   * A decoder for exactly these tables, with their key attribute names: a record said to be of any
   * other table throws UNKNOWN_TABLE, which the caller quarantines.
   */
  public static StreamsRecordDecoder forTables(Map<String, List<String>> keysByTable) {
    return new StreamsRecordDecoder(new TableKeys(keysByTable, true));
  }

  /** A decoder for any table; the keys of the tables named here are checked. */
  public static StreamsRecordDecoder forAnyTable(Map<String, List<String>> keysByTable) {
    return new StreamsRecordDecoder(new TableKeys(keysByTable, false));
  }

  /**
   * Decodes one record.
   *
   * @param tableName the table whose stream the record was read from
   * @param streamArn that stream
   * @param shardId the record's shard
   */
  public DecodedChange decode(Record record, String tableName, String streamArn, String shardId) {
    // Only DynamoDB writes these records, but a value set by hand may still carry another source.
    if (record.eventSource() != null && !ChangeRules.EVENT_SOURCE.equals(record.eventSource())) {
      throw new DecodeException(
          DecodeException.INVALID_SHAPE,
          "eventSource is \"" + record.eventSource() + "\", not \"aws:dynamodb\"");
    }
    String eventId = record.eventID();
    if (eventId == null || eventId.isEmpty()) {
      throw new DecodeException(DecodeException.INVALID_SHAPE, "record has no eventID");
    }
    Op op = ChangeRules.op(record.eventNameAsString());
    StreamRecord change = record.dynamodb();
    if (change == null) {
      throw new DecodeException(DecodeException.INVALID_SHAPE, "record has no \"dynamodb\" part");
    }
    String sequenceNumber = change.sequenceNumber();
    if (sequenceNumber == null || sequenceNumber.isEmpty()) {
      throw new DecodeException(
          DecodeException.INVALID_SHAPE, "dynamodb.SequenceNumber is missing");
    }
    Instant created = change.approximateCreationDateTime();
    if (created == null) {
      throw new DecodeException(
          DecodeException.INVALID_SHAPE, "dynamodb.ApproximateCreationDateTime is missing");
    }
    long eventTimeMicros = micros(created);

    tables.checkTable(tableName);
    Map<String, DynamoValue> keys = change.hasKeys() ? item(change.keys(), "Keys") : null;
    ChangeRules.checkKeysPresent(keys);
    tables.checkKeys(tableName, keys);
    Map<String, DynamoValue> newImage =
        ChangeRules.presentOrNull(
            change.hasNewImage() ? item(change.newImage(), "NewImage") : null);
    Map<String, DynamoValue> oldImage =
        ChangeRules.presentOrNull(
            change.hasOldImage() ? item(change.oldImage(), "OldImage") : null);
    ChangeRules.checkImages(op, newImage, oldImage);

    SourcePosition position =
        new SourcePosition(SourceKind.DYNAMODB_STREAMS, streamArn, shardId, sequenceNumber);
    ChangeRecord envelope =
        new ChangeRecord(
            tableName, op, keys, newImage, oldImage, eventTimeMicros, eventId, position);
    RawImages raw =
        new RawImages(DynamoJson.writeItem(keys), writeOrNull(newImage), writeOrNull(oldImage));
    Identity identity = record.userIdentity();
    boolean ttl =
        identity != null && ChangeRules.ttlExpiry(op, identity.type(), identity.principalId());
    return new DecodedChange(envelope, raw, null, ttl, change.sizeBytes());
  }

  private static Map<String, DynamoValue> item(Map<String, AttributeValue> item, String field) {
    try {
      return SdkAttributeValues.toItem(item);
    } catch (InvalidValueException e) {
      throw new DecodeException(
          DecodeException.INVALID_VALUE, "dynamodb." + field + ": " + e.getMessage(), e);
    }
  }

  private static long micros(Instant t) {
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    } catch (ArithmeticException e) {
      throw new DecodeException(
          DecodeException.INVALID_SHAPE,
          "dynamodb.ApproximateCreationDateTime " + t + " does not fit in 64-bit microseconds",
          e);
    }
  }

  private static @Nullable String writeOrNull(@Nullable Map<String, DynamoValue> image) {
    return image == null ? null : DynamoJson.writeItem(image);
  }
}
