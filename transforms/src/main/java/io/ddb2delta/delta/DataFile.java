package io.ddb2delta.delta;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One finished Parquet data file, described as a Delta {@code add} action needs it.
 *
 * <p>Guarantees: {@code path} is relative to the table root and URI-encoded as the Delta protocol
 * requires of {@code add.path} (so a directory named {@code c=a%3Ab} appears as {@code c=a%253Ab});
 * {@code partitionValues} is unmodifiable, in the table's partition-column order, and holds {@code
 * null} for a null partition value; sizes and counts are non-negative; {@code statsJson} is the
 * Delta statistics object ({@code numRecords}, {@code minValues}, {@code maxValues}, {@code
 * nullCount}).
 */
public record DataFile(
    String path,
    Map<String, String> partitionValues,
    long sizeBytes,
    long modificationTimeMillis,
    long numRecords,
    String statsJson)
    implements Serializable {

  public DataFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(statsJson, "statsJson");
    if (path.isEmpty() || path.startsWith("/") || path.contains("://")) {
      throw new IllegalArgumentException("path must be relative to the table root: " + path);
    }
    if (sizeBytes < 0 || modificationTimeMillis < 0 || numRecords < 0) {
      throw new IllegalArgumentException(
          "sizeBytes, modificationTimeMillis and numRecords must be >= 0 for " + path);
    }
    // Map.copyOf would refuse the nulls that stand for null partition values, and lose the order.
    partitionValues = Collections.unmodifiableMap(new LinkedHashMap<>(partitionValues));
  }
}
