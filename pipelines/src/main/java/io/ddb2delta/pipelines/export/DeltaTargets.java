package io.ddb2delta.pipelines.export;

import io.ddb2delta.delta.DeltaTableSchema;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.tables.BronzeTable;
import io.ddb2delta.tables.QuarantineTable;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Delta tables one load writes, by name, under one root: bronze, the mapping's silver table,
 * and quarantine. The iteration order is the commit order: quarantine and silver before bronze, so
 * that a bronze row is only visible once everything derived from it is.
 */
public record DeltaTargets(String deltaRoot, TableMapping mapping) implements Serializable {

  public String silverName() {
    return mapping.silverTable();
  }

  public String pathOf(String table) {
    return deltaRoot.endsWith("/") ? deltaRoot + table : deltaRoot + "/" + table;
  }

  /** Table name → schema, in commit order. */
  public Map<String, DeltaTableSchema> schemas() {
    Map<String, DeltaTableSchema> tables = new LinkedHashMap<>();
    tables.put(QuarantineTable.NAME, QuarantineTable.SCHEMA);
    tables.put(mapping.silverTable(), mapping.silverSchema());
    tables.put(BronzeTable.NAME, BronzeTable.SCHEMA);
    return tables;
  }
}
