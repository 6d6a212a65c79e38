package io.ddb2delta.cdc;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.Op;
import io.ddb2delta.model.DynamoJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * Writes a change as the data blob Kinesis Data Streams for DynamoDB would put on the stream: the
 * part AWS plays when a table streams to Kinesis, for a bridge that forwards DynamoDB Streams
 * records (DynamoDB Local has no Kinesis destination).
 *
 * <p>Guarantees: the payload is UTF-8 JSON with AWS's fields in AWS's order: {@code awsRegion,
 * eventID, eventName, userIdentity, recordFormat, tableName, dynamodb{ApproximateCreationDateTime,
 * Keys, NewImage, OldImage, SizeBytes}, eventSource}. {@code userIdentity} is the Time to Live
 * service identity for a TTL expiry, else null; absent images and an unknown size are left out. The
 * time is written in the encoder's {@link TimePrecision} (milliseconds drop the sub-millisecond
 * part), and a MICROSECOND payload also carries {@code ApproximateCreationDateTimePrecision}, as
 * AWS's does. {@link KinesisRecordDecoder} reads the payload back to the same change.
 */
public final class KinesisRecordEncoder implements Serializable {
  private final String awsRegion;
  private final TimePrecision precision;

  /** An encoder writing millisecond times, AWS's default. */
  public KinesisRecordEncoder(String awsRegion) {
    this(awsRegion, TimePrecision.MILLISECOND);
  }

  public KinesisRecordEncoder(String awsRegion, TimePrecision precision) {
    this.awsRegion = Objects.requireNonNull(awsRegion, "awsRegion");
    this.precision = Objects.requireNonNull(precision, "precision");
  }

  /** The payload of one change; a SNAPSHOT is not a stream event and is refused. */
  public byte[] encode(DecodedChange change) {
    ChangeRecord record = change.record();
    if (record.op() == Op.SNAPSHOT) {
      throw new IllegalArgumentException(
          "a SNAPSHOT is not a stream event; only INSERT, MODIFY and REMOVE can be encoded");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator gen = DynamoJson.factory().createGenerator(out, JsonEncoding.UTF8)) {
      gen.writeStartObject();
      gen.writeStringField("awsRegion", awsRegion);
      gen.writeStringField("eventID", record.eventId());
      gen.writeStringField("eventName", record.op().name());
      gen.writeFieldName("userIdentity");
      if (change.ttlExpiry()) {
        gen.writeStartObject();
        gen.writeStringField("type", ChangeRules.TTL_IDENTITY_TYPE);
        gen.writeStringField("principalId", ChangeRules.TTL_PRINCIPAL);
        gen.writeEndObject();
      } else {
        gen.writeNull();
      }
      gen.writeStringField("recordFormat", "application/json");
      gen.writeStringField("tableName", record.tableName());
      gen.writeObjectFieldStart("dynamodb");
      gen.writeNumberField(
          "ApproximateCreationDateTime", precision.fromMicros(record.eventTimeMicros()));
      gen.writeFieldName("Keys");
      DynamoJson.writeItem(gen, record.keys());
      if (record.newImage() != null) {
        gen.writeFieldName("NewImage");
        DynamoJson.writeItem(gen, record.newImage());
      }
      if (record.oldImage() != null) {
        gen.writeFieldName("OldImage");
        DynamoJson.writeItem(gen, record.oldImage());
      }
      if (change.sizeBytes() != null) {
        gen.writeNumberField("SizeBytes", change.sizeBytes());
      }
      if (precision == TimePrecision.MICROSECOND) {
        gen.writeStringField("ApproximateCreationDateTimePrecision", precision.name());
      }
      gen.writeEndObject();
      gen.writeStringField("eventSource", ChangeRules.EVENT_SOURCE);
      gen.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
