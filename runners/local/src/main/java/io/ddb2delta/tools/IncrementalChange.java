package io.ddb2delta.tools;

import io.ddb2delta.model.DynamoValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One line of an incremental export: the item's final state in the export window. An insert has no
 * old image, a delete no new image, an update both.
 */
public record IncrementalChange(
    long writeTimestampMicros,
    Map<String, DynamoValue> keys,
    @Nullable Map<String, DynamoValue> oldImage,
    @Nullable Map<String, DynamoValue> newImage) {

  public IncrementalChange {
    Objects.requireNonNull(keys, "keys");
    if (oldImage == null && newImage == null) {
      throw new IllegalArgumentException("a change needs an old image, a new image or both");
    }
    keys = frozen(keys);
    oldImage = oldImage == null ? null : frozen(oldImage);
    newImage = newImage == null ? null : frozen(newImage);
  }

  private static Map<String, DynamoValue> frozen(Map<String, DynamoValue> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  public boolean isDelete() {
    return newImage == null;
  }

  public boolean isInsert() {
    return oldImage == null;
  }
}
