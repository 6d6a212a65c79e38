package io.ddb2delta.delta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;

/**
 * Reads the rows of a data file back into the values {@link DeltaFileWriter#write} takes: one
 * {@code Object[]} per row in the table's column order, with strings as {@link String}, timestamps
 * as Long microseconds, dates as Integer days, decimals as {@link BigDecimal}, arrays as {@link
 * List} and maps as {@link Map}; partition columns, which data files do not hold, from the file's
 * partition values; a column the file does not hold (one the table gained after the file was
 * written) as null. What a copy-on-write rewrite copies goes through it, so a row read and written
 * again is the same row.
 */
final class ParquetRowReader {
  private final DeltaTableSchema schema;
  private final Configuration conf = new Configuration();

  ParquetRowReader(DeltaTableSchema schema) {
    this.schema = schema;
  }

  /** Hands each row of {@code file} to {@code to}. */
  void read(String tableRoot, DataFile file, Consumer<Object[]> to) {
    List<DeltaColumn> columns = schema.columns();
    Object[] partition = new Object[columns.size()];
    boolean[] inFile = new boolean[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      DeltaColumn c = columns.get(i);
      inFile[i] = !schema.partitionColumns().contains(c.name());
      if (!inFile[i]) {
        partition[i] = DeltaPartitions.parse(file.partitionValues().get(c.name()), c.type());
      }
    }
    InputFile input = inputFile(tableRoot, file.path());
    try (ParquetReader<Group> reader = new Builder(input).withConf(conf).build()) {
      // A file written before the table gained a column lacks it: its rows hold null there.
      boolean[] stored = null;
      for (Group g = reader.read(); g != null; g = reader.read()) {
        if (stored == null) {
          stored = new boolean[columns.size()];
          for (int i = 0; i < stored.length; i++) {
            stored[i] = inFile[i] && g.getType().containsField(columns.get(i).name());
          }
        }
        Object[] row = partition.clone();
        for (int i = 0; i < row.length; i++) {
          if (stored[i]) {
            DeltaColumn c = columns.get(i);
            row[i] = g.getFieldRepetitionCount(c.name()) == 0 ? null : value(g, c.name(), c.type());
          }
        }
        to.accept(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading data file " + file.path() + " of " + tableRoot, e);
    }
  }

  /**
   * Hands each row of the file at {@code relativePath} (URI-encoded, as in the log) of an
   * unpartitioned table to {@code to}.
   */
  void read(String tableRoot, String relativePath, Consumer<Object[]> to) {
    if (!schema.partitionColumns().isEmpty()) {
      throw new IllegalArgumentException(
          "a file of a table partitioned by "
              + schema.partitionColumns()
              + " is read with its partition values");
    }
    read(tableRoot, new DataFile(relativePath, Map.of(), 0, 0, 0, "{}"), to);
  }

  private InputFile inputFile(String tableRoot, String relativePath) {
    return inputFile(tableRoot, relativePath, conf);
  }

  /**
   * The data file at {@code relativePath} (URI-encoded, as in the log) of a table, local or not.
   */
  static InputFile inputFile(String tableRoot, String relativePath, Configuration conf) {
    String decoded = URI.create(relativePath).getPath();
    Path local = DeltaFileWriter.localRoot(tableRoot);
    if (local != null) {
      return new LocalInputFile(local.resolve(decoded));
    }
    try {
      return HadoopInputFile.fromPath(
          new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(tableRoot), decoded), conf);
    } catch (IOException e) {
      throw new UncheckedIOException("opening data file " + relativePath + " of " + tableRoot, e);
    }
  }

  private static Object value(Group g, String field, DeltaType type) {
    if (type instanceof DeltaType.Decimal d) {
      return new BigDecimal(new BigInteger(g.getBinary(field, 0).getBytes()), d.scale());
    }
    if (type instanceof DeltaType.Array a) {
      List<Object> out = new ArrayList<>();
      Group list = g.getGroup(field, 0);
      for (int i = 0; i < list.getFieldRepetitionCount("list"); i++) {
        Group entry = list.getGroup("list", i);
        out.add(
            entry.getFieldRepetitionCount("element") == 0
                ? null
                : value(entry, "element", a.element()));
      }
      return out;
    }
    if (type instanceof DeltaType.MapType m) {
      Map<String, Object> out = new LinkedHashMap<>();
      Group map = g.getGroup(field, 0);
      for (int i = 0; i < map.getFieldRepetitionCount("key_value"); i++) {
        Group entry = map.getGroup("key_value", i);
        out.put(
            entry.getString("key", 0),
            entry.getFieldRepetitionCount("value") == 0 ? null : value(entry, "value", m.value()));
      }
      return out;
    }
    return switch (((DeltaType.Primitive) type).kind()) {
      case STRING -> g.getString(field, 0);
      case LONG, TIMESTAMP -> g.getLong(field, 0);
      case INT, DATE -> g.getInteger(field, 0);
      case DOUBLE -> g.getDouble(field, 0);
      case BOOLEAN -> g.getBoolean(field, 0);
      case BINARY -> g.getBinary(field, 0).getBytes();
    };
  }

  private static final class Builder extends ParquetReader.Builder<Group> {
    Builder(InputFile file) {
      super(file);
    }

    @Override
    protected ReadSupport<Group> getReadSupport() {
      return new GroupReadSupport();
    }
  }
}
