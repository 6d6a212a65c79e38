package io.ddb2delta.tables;

import io.ddb2delta.delta.DeltaTableSchema;
import io.ddb2delta.mapping.TableMapping;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Delta tables one job writes, by name, under one root: bronze, one silver table per mapped
 * DynamoDB table, and quarantine. The iteration order of {@link #schemas()} is the commit order:
 * quarantine and silver before bronze, so that a bronze row is only visible once everything derived
 * from it is, and bronze's commit marks the whole batch as done.
 */
public record DeltaTargets(String deltaRoot, List<TableMapping> mappings) implements Serializable {

  public DeltaTargets {
    mappings = List.copyOf(mappings);
    if (mappings.isEmpty()) {
      throw new IllegalArgumentException("at least one table mapping is needed");
    }
    if (mappings.stream().map(TableMapping::table).distinct().count() != mappings.size()) {
      throw new IllegalArgumentException("two mappings for the same DynamoDB table");
    }
  }

  public DeltaTargets(String deltaRoot, TableMapping mapping) {
    this(deltaRoot, List.of(mapping));
  }

  /** The only mapping, for jobs (an export) that load one DynamoDB table. */
  public TableMapping mapping() {
    if (mappings.size() != 1) {
      throw new IllegalStateException("this job maps " + mappings.size() + " tables, not one");
    }
    return mappings.get(0);
  }

  public String silverName() {
    return mapping().silverTable();
  }

  public Optional<TableMapping> mappingFor(String dynamoTable) {
    return mappings.stream().filter(m -> m.table().equals(dynamoTable)).findFirst();
  }

  /** DynamoDB table → its key attribute names, for the change decoders. */
  public Map<String, List<String>> keysByTable() {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    mappings.forEach(m -> keys.put(m.table(), m.keys()));
    return keys;
  }

  /**
   * The mapping whose silver table is {@code table} and says {@code evolve: true}, if any: that
   * table's schema may hold columns beyond the mapping's.
   */
  public Optional<TableMapping> evolvingMappingOf(String table) {
    return mappings.stream().filter(m -> m.evolve() && m.silverTable().equals(table)).findFirst();
  }

  public String pathOf(String table) {
    return pathOf(deltaRoot, table);
  }

  /** Where a table lives under a Delta root. */
  public static String pathOf(String deltaRoot, String table) {
    return deltaRoot.endsWith("/") ? deltaRoot + table : deltaRoot + "/" + table;
  }

  /** Table name → schema, in commit order. */
  public Map<String, DeltaTableSchema> schemas() {
    Map<String, DeltaTableSchema> tables = new LinkedHashMap<>();
    tables.put(QuarantineTable.NAME, QuarantineTable.SCHEMA);
    mappings.forEach(m -> tables.put(m.silverTable(), m.silverSchema()));
    tables.put(BronzeTable.NAME, BronzeTable.SCHEMA);
    return tables;
  }
}
