package io.ddb2delta.tables;

import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaTableSchema;
import io.ddb2delta.delta.DeltaType;
import java.util.List;
import java.util.Set;

/**
 * {@code dynamodb_quarantine}: every record that could not be decoded or typed, with its raw input,
 * its source position and an error a person can act on. Nothing is ever dropped instead.
 * Partitioned by {@code table_name}; quarantine volumes are small, so one more level would only
 * make small files.
 */
public final class QuarantineTable {
  public static final String NAME = "dynamodb_quarantine";

  public static final DeltaTableSchema SCHEMA =
      new DeltaTableSchema(
          List.of(
              DeltaColumn.required("table_name", DeltaType.STRING),
              DeltaColumn.required("source", DeltaType.STRING),
              DeltaColumn.required("source_position", DeltaType.STRING),
              DeltaColumn.required("raw", DeltaType.STRING),
              DeltaColumn.required("stage", DeltaType.STRING),
              DeltaColumn.required("error_class", DeltaType.STRING),
              DeltaColumn.required("error_message", DeltaType.STRING),
              DeltaColumn.required("processing_timestamp", DeltaType.TIMESTAMP)),
          List.of("table_name"),
          Set.of("source_position", "raw", "error_message"));

  private QuarantineTable() {}

  public static Object[] row(QuarantineRecord record, long processingMicros) {
    return new Object[] {
      record.tableName(),
      record.position().kind().label(),
      record.position().toString(),
      record.raw(),
      record.stage(),
      record.errorClass(),
      record.errorMessage(),
      processingMicros
    };
  }
}
