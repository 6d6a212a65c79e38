package io.ddb2delta.export;

import io.ddb2delta.delta.DeltaColumn;
import java.io.Serializable;
import java.util.List;

/**
 * What happened to one export data file: the items its manifest promised, the lines read, and where
 * each line went. A file reconciles when {@code lines == expectedItems}, {@code lines == bronzeRows
 * + decodeQuarantined} and {@code bronzeRows == silverRows + mapQuarantined}. {@code newColumns}
 * are the columns its records propose for an evolving silver table, the first type met for a name.
 */
public record FileTally(
    String dataFileKey,
    long expectedItems,
    long lines,
    long bronzeRows,
    long decodeQuarantined,
    long silverRows,
    long mapQuarantined,
    List<DeltaColumn> newColumns)
    implements Serializable {

  public FileTally {
    newColumns = List.copyOf(newColumns);
  }

  public FileTally(
      String dataFileKey,
      long expectedItems,
      long lines,
      long bronzeRows,
      long decodeQuarantined,
      long silverRows,
      long mapQuarantined) {
    this(
        dataFileKey,
        expectedItems,
        lines,
        bronzeRows,
        decodeQuarantined,
        silverRows,
        mapQuarantined,
        List.of());
  }

  /** Null when the file reconciles, else what does not add up. */
  public String problem() {
    if (lines != expectedItems) {
      return dataFileKey
          + ": manifest-files.json says "
          + expectedItems
          + " items but the file has "
          + lines
          + " lines";
    }
    if (lines != bronzeRows + decodeQuarantined) {
      return dataFileKey
          + ": "
          + lines
          + " lines read but "
          + bronzeRows
          + " bronze rows + "
          + decodeQuarantined
          + " quarantined";
    }
    if (bronzeRows != silverRows + mapQuarantined) {
      return dataFileKey
          + ": "
          + bronzeRows
          + " bronze rows but "
          + silverRows
          + " silver rows + "
          + mapQuarantined
          + " quarantined";
    }
    return null;
  }
}
