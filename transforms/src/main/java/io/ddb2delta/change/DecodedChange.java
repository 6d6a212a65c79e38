package io.ddb2delta.change;

import io.ddb2delta.model.RawItem;
import io.ddb2delta.tables.BronzeTable.RawImages;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One record decoded from any source (an export line, a Kinesis record, a DynamoDB Streams record),
 * with what bronze and silver need besides the envelope.
 *
 * <p>Guarantees: {@code raw} holds the DynamoDB JSON text bronze stores for the keys and each image
 * present (the original text where the source had text, otherwise an encoding of the values);
 * {@code image}, when not null, is the original text of {@link ChangeRecord#currentOrLastImage()},
 * from which silver cuts {@code _attributes}; {@code ttlExpiry} is true only for a REMOVE that
 * DynamoDB's Time to Live made; {@code sizeBytes} is the record's {@code SizeBytes} as DynamoDB
 * reported it, or null if it did not.
 *
 * <p>Export rows are never TTL expiries and carry no size.
 */
public record DecodedChange(
    ChangeRecord record,
    RawImages raw,
    @Nullable RawItem image,
    boolean ttlExpiry,
    @Nullable Long sizeBytes) {

  public DecodedChange {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(raw, "raw");
    if (ttlExpiry && record.op() != Op.REMOVE) {
      throw new IllegalArgumentException("only a REMOVE can be a TTL expiry, not " + record.op());
    }
  }
}
