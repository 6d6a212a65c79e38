package io.ddb2delta.export;

import java.io.Serializable;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One data file that a manifest lists: its key as AWS wrote it, where it resolves to, and the
 * number of items AWS says it holds.
 */
public record ExportDataFile(
    String dataFileKey, String location, long itemCount, @Nullable String md5Checksum)
    implements Serializable {
  public ExportDataFile {
    Objects.requireNonNull(dataFileKey, "dataFileKey");
    Objects.requireNonNull(location, "location");
  }
}
