package io.ddb2delta.change;

import java.util.Objects;

/**
 * Where a record sits in its source, precise enough to find it again.
 *
 * <ul>
 *   <li>export: {@code stream} is the export id, {@code partition} the data file key, {@code
 *       offset} the 1-based line number;
 *   <li>kinesis: the stream name, the shard id and the sequence number;
 *   <li>dynamodb-streams: the stream ARN, the shard id and the sequence number.
 * </ul>
 */
public record SourcePosition(SourceKind kind, String stream, String partition, String offset) {
  public SourcePosition {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(offset, "offset");
  }

  public static SourcePosition exportLine(String exportId, String dataFileKey, long lineNumber) {
    return new SourcePosition(SourceKind.EXPORT, exportId, dataFileKey, Long.toString(lineNumber));
  }

  /**
   * The position whose {@link #toString} is {@code text}, as a {@code source_position} column holds
   * it.
   *
   * @throws IllegalArgumentException when {@code text} is not such a form
   */
  public static SourcePosition parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.startsWith("export ")) {
      return split(SourceKind.EXPORT, text, "export ", " file ", " line ");
    }
    if (text.startsWith("kinesis ")) {
      return split(SourceKind.KINESIS, text, "kinesis ", " shard ", " sequence ");
    }
    if (text.startsWith("stream ")) {
      return split(SourceKind.DYNAMODB_STREAMS, text, "stream ", " shard ", " sequence ");
    }
    throw new IllegalArgumentException("not a source position: " + text);
  }

  private static SourcePosition split(
      SourceKind kind, String text, String prefix, String partitionWord, String offsetWord) {
    int partition = text.indexOf(partitionWord, prefix.length());
    int offset = text.lastIndexOf(offsetWord);
    if (partition < 0 || offset < partition + partitionWord.length()) {
      throw new IllegalArgumentException("not a " + kind.label() + " position: " + text);
    }
    return new SourcePosition(
        kind,
        text.substring(prefix.length(), partition),
        text.substring(partition + partitionWord.length(), offset),
        text.substring(offset + offsetWord.length()));
  }

  /** The form stored in {@code source_position} columns and shown in errors. */
  @Override
  public String toString() {
    return switch (kind) {
      case EXPORT -> "export " + stream + " file " + partition + " line " + offset;
      case KINESIS -> "kinesis " + stream + " shard " + partition + " sequence " + offset;
      case DYNAMODB_STREAMS -> "stream " + stream + " shard " + partition + " sequence " + offset;
    };
  }
}
