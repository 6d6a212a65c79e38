package io.ddb2delta.mapping;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaTableSchema;
import io.ddb2delta.delta.DeltaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * How one DynamoDB table becomes its silver Delta table: the key attributes, and the columns with
 * their sources and Delta types. Loaded from one YAML file per table.
 *
 * <p>Guarantees: column names are unique and {@code _attributes} is reserved for the lossless
 * remainder; every key attribute is named; the silver schema is the declared columns in order plus
 * {@code _attributes}. With {@code evolve: true} (default false) the silver table may gain a column
 * for a new top-level attribute after them ({@link SchemaEvolution}). {@code history: true}
 * (default false) asks for {@code <table>_history} beside {@code <table>_current}.
 */
public record TableMapping(
    String table,
    String silverTable,
    List<String> keys,
    List<ColumnMapping> columns,
    List<String> partitionBy,
    boolean evolve,
    boolean history)
    implements Serializable {

  /** The STRING column that holds every unmapped attribute as DynamoDB JSON. */
  public static final String ATTRIBUTES_COLUMN = "_attributes";

  /** The tables whose mappings ship with ddb2delta. */
  public static final List<String> SHIPPED = List.of("users", "orders", "products", "transactions");

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public TableMapping {
    if (table == null || table.isBlank()) {
      throw new IllegalArgumentException("a mapping needs table:");
    }
    silverTable = silverTable == null || silverTable.isBlank() ? table + "_silver" : silverTable;
    keys = List.copyOf(keys);
    columns = List.copyOf(columns);
    partitionBy = partitionBy == null ? List.of() : List.copyOf(partitionBy);
    if (keys.isEmpty() || keys.size() > 2) {
      throw new IllegalArgumentException(
          "mapping for " + table + " needs keys: the partition key, and the sort key if any");
    }
    Set<String> names = new HashSet<>();
    for (ColumnMapping c : columns) {
      if (c.name().equals(ATTRIBUTES_COLUMN)) {
        throw new IllegalArgumentException(
            "column name " + ATTRIBUTES_COLUMN + " is reserved for unmapped attributes");
      }
      if (!names.add(c.name())) {
        throw new IllegalArgumentException(
            "mapping for " + table + " names column \"" + c.name() + "\" twice");
      }
    }
    // Builds the schema once here so that a bad partitionBy fails when the mapping loads.
    silverSchema(columns, partitionBy);
  }

  /** A mapping that does not evolve its silver schema, without {@code <table>_history}. */
  public TableMapping(
      String table,
      String silverTable,
      List<String> keys,
      List<ColumnMapping> columns,
      List<String> partitionBy) {
    this(table, silverTable, keys, columns, partitionBy, false, false);
  }

  @JsonCreator
  static TableMapping fromYaml(
      @JsonProperty(value = "table", required = true) String table,
      @JsonProperty("silverTable") @Nullable String silverTable,
      @JsonProperty(value = "keys", required = true) List<String> keys,
      @JsonProperty(value = "columns", required = true) List<ColumnMapping> columns,
      @JsonProperty("partitionBy") @Nullable List<String> partitionBy,
      @JsonProperty("evolve") @Nullable Boolean evolve,
      @JsonProperty("history") @Nullable Boolean history) {
    return new TableMapping(
        table,
        silverTable,
        keys,
        columns,
        partitionBy,
        evolve != null && evolve,
        history != null && history);
  }

  /** The same mapping, with or without {@code <table>_history}. */
  public TableMapping withHistory(boolean on) {
    return new TableMapping(table, silverTable, keys, columns, partitionBy, evolve, on);
  }

  public static TableMapping parse(String yaml, String origin) {
    try {
      return YAML.readValue(yaml, TableMapping.class);
    } catch (IOException | RuntimeException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
      throw new IllegalArgumentException(
          "invalid table mapping " + origin + ": " + cause.getMessage(), e);
    }
  }

  public static TableMapping load(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read table mapping " + file + ": " + e, e);
    }
  }

  /** The mapping shipped for one of {@link #SHIPPED}. */
  public static TableMapping shipped(String table) {
    String resource = "/mappings/" + table + ".yaml";
    try (InputStream in = TableMapping.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "no shipped mapping for table \""
                + table
                + "\"; shipped: "
                + SHIPPED
                + ". Pass --tableConfig=FILE (several, comma-separated, or a FOLDER) for your own"
                + " tables.");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }

  public DeltaTableSchema silverSchema() {
    return silverSchema(columns, partitionBy);
  }

  /** Top-level attributes that a column maps as a whole; all others go to {@code _attributes}. */
  public Set<String> mappedTopLevelAttributes() {
    Set<String> mapped = new LinkedHashSet<>();
    for (ColumnMapping c : columns) {
      if (c.attribute() != null && c.attribute().isTopLevel()) {
        mapped.add(c.attribute().topLevel());
      }
    }
    return mapped;
  }

  private static DeltaTableSchema silverSchema(
      List<ColumnMapping> columns, List<String> partitionBy) {
    List<DeltaColumn> out = new ArrayList<>(columns.size() + 1);
    for (ColumnMapping c : columns) {
      out.add(new DeltaColumn(c.name(), c.type(), !c.required(), describe(c)));
    }
    out.add(
        new DeltaColumn(
            ATTRIBUTES_COLUMN,
            DeltaType.STRING,
            true,
            "every unmapped attribute, as DynamoDB JSON"));
    return new DeltaTableSchema(
        out, partitionBy == null ? List.of() : partitionBy, Set.of(ATTRIBUTES_COLUMN));
  }

  private static String describe(ColumnMapping c) {
    return c.attribute() != null
        ? "from attribute " + c.attribute()
        : "from " + c.meta().name().toLowerCase(java.util.Locale.ROOT);
  }
}
