package io.ddb2delta.cdc;

import io.ddb2delta.change.SourceKind;
import io.ddb2delta.change.SourcePosition;
import java.util.Arrays;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One change as a streaming source delivered it, before decoding: where it sits, when it arrived,
 * and its payload in the <em>Kinesis Data Streams for DynamoDB</em> JSON shape. Kinesis records
 * carry that payload as their data; the DynamoDB Streams source writes the same shape, so one
 * decoder serves both.
 *
 * <p>Guarantees: the position identifies the record in its source (stream, shard, sequence number),
 * and sequence numbers are decimal strings that grow within a shard. {@code readError}, when set,
 * says why the source could not produce a payload; the payload is then the source's own text of the
 * record, kept for quarantine. The payload array is never mutated.
 *
 * @param kind the source kind, KINESIS or DYNAMODB_STREAMS
 * @param stream the Kinesis stream name or the DynamoDB stream ARN
 * @param shard the shard id
 * @param sequenceNumber the record's sequence number within its shard
 * @param arrivalMillis when the source received the record (Kinesis arrival time, or the DynamoDB
 *     stream's ApproximateCreationDateTime), epoch milliseconds
 * @param payload UTF-8 JSON in the Kinesis Data Streams for DynamoDB shape
 * @param readError null, or "ErrorClass: reason" when the source could not build the payload
 */
public record ChangeMessage(
    SourceKind kind,
    String stream,
    String shard,
    String sequenceNumber,
    long arrivalMillis,
    long readMillis,
    byte[] payload,
    @Nullable String readError) {

  public ChangeMessage {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(shard, "shard");
    Objects.requireNonNull(sequenceNumber, "sequenceNumber");
    Objects.requireNonNull(payload, "payload");
    if (kind == SourceKind.EXPORT) {
      throw new IllegalArgumentException("an export line is not a change message");
    }
  }

  public SourcePosition position() {
    return new SourcePosition(kind, stream, shard, sequenceNumber);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChangeMessage m
        && kind == m.kind
        && arrivalMillis == m.arrivalMillis
        && readMillis == m.readMillis
        && stream.equals(m.stream)
        && shard.equals(m.shard)
        && sequenceNumber.equals(m.sequenceNumber)
        && Arrays.equals(payload, m.payload)
        && Objects.equals(readError, m.readError);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        kind, stream, shard, sequenceNumber, arrivalMillis, Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    return position() + " (" + payload.length + " bytes)";
  }
}
