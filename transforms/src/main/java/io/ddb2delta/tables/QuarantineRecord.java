package io.ddb2delta.tables;

import io.ddb2delta.change.SourcePosition;
import java.io.Serializable;
import java.util.Objects;

/**
 * A record that could not be decoded or typed, kept whole with the reason.
 *
 * <p>{@code raw} is the exact input (the export line, the Kinesis payload, the stream record), so
 * the record can be fixed and replayed. {@code errorClass} is a stable category for dashboards and
 * alerts; {@code errorMessage} says what is wrong, where, and what to do.
 */
public record QuarantineRecord(
    String tableName,
    SourcePosition position,
    String raw,
    String stage,
    String errorClass,
    String errorMessage)
    implements Serializable {

  /** The record could not be decoded into a change envelope. */
  public static final String STAGE_DECODE = "decode";

  /** The record decoded, but could not be typed into its silver row. */
  public static final String STAGE_MAP = "map";

  public QuarantineRecord {
    Objects.requireNonNull(tableName, "tableName");
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(errorClass, "errorClass");
    Objects.requireNonNull(errorMessage, "errorMessage");
  }
}
