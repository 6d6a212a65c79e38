package io.ddb2delta.health;

import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaTableSchema;
import io.ddb2delta.delta.DeltaType;
import java.util.List;

/** {@code pipeline_health}: one row per Delta commit of every table the pipeline streams into. */
public final class HealthTable {
  public static final String NAME = "pipeline_health";

  public static final DeltaTableSchema SCHEMA =
      new DeltaTableSchema(
          List.of(
              DeltaColumn.required("committed_at", DeltaType.TIMESTAMP),
              DeltaColumn.required("table_name", DeltaType.STRING),
              DeltaColumn.required("table_version", DeltaType.LONG),
              DeltaColumn.required("app_id", DeltaType.STRING),
              DeltaColumn.required("records", DeltaType.LONG),
              DeltaColumn.of("batch", DeltaType.LONG),
              DeltaColumn.of("messages", DeltaType.LONG),
              DeltaColumn.of("duplicates", DeltaType.LONG),
              DeltaColumn.of("quarantined", DeltaType.LONG),
              DeltaColumn.required("commit_duration_ms", DeltaType.LONG),
              DeltaColumn.of("source_lag_ms", DeltaType.LONG),
              DeltaColumn.of("latency_p50_ms", DeltaType.LONG),
              DeltaColumn.of("latency_p99_ms", DeltaType.LONG)),
          List.of());

  private HealthTable() {}
}
