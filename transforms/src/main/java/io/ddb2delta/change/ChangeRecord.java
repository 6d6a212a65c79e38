package io.ddb2delta.change;

import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.model.FrozenMap;
import java.util.Map;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The one envelope for every change, whatever its source: an export row, a Kinesis record or a
 * DynamoDB Streams record.
 *
 * <p>Guarantees: the keys are present and non-empty; an image that is absent is {@code null}, never
 * an empty map; the maps are unmodifiable. A {@link Op#REMOVE} has no new image; a {@link
 * Op#SNAPSHOT} or {@link Op#INSERT} has no old image.
 */
public record ChangeRecord(
    String tableName,
    Op op,
    Map<String, DynamoValue> keys,
    @Nullable Map<String, DynamoValue> newImage,
    @Nullable Map<String, DynamoValue> oldImage,
    long eventTimeMicros,
    String eventId,
    SourcePosition position) {

  public ChangeRecord {
    Objects.requireNonNull(tableName, "tableName");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(position, "position");
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("a change record needs its key attributes");
    }
    if (op == Op.REMOVE && newImage != null) {
      throw new IllegalArgumentException("a REMOVE has no new image");
    }
    if ((op == Op.SNAPSHOT || op == Op.INSERT) && oldImage != null) {
      throw new IllegalArgumentException("a " + op + " has no old image");
    }
    keys = freeze(keys);
    newImage = newImage == null ? null : freeze(newImage);
    oldImage = oldImage == null ? null : freeze(oldImage);
  }

  public SourceKind source() {
    return position.kind();
  }

  /**
   * The image that describes the item: the new one, or for a REMOVE the old one (or just the keys).
   */
  public Map<String, DynamoValue> currentOrLastImage() {
    if (newImage != null) {
      return newImage;
    }
    return oldImage != null ? oldImage : keys;
  }

  private static Map<String, DynamoValue> freeze(Map<String, DynamoValue> map) {
    return FrozenMap.copyOf(map);
  }
}
