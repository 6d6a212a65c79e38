package io.ddb2delta.delta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.MessageType;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Writes rows of one Delta table into Snappy-compressed Parquet data files, one open file per
 * partition, and describes each finished file as a {@link DataFile}. It does not commit: a {@link
 * DeltaTable} does that with the files {@link #finish} returns.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Rows are {@code Object[]} in schema column order with the Java types {@link DeltaType}
 *       names. A row with a wrong Java type, a null in a non-nullable column, or a decimal whose
 *       scale differs from the column's or whose precision is too large is refused whole with an
 *       {@link IllegalArgumentException} naming the column; the writer stays usable.
 *   <li>Partition columns are not stored in the data files, as Delta expects; files sit under
 *       Hive-style {@code col=value/} directories.
 *   <li>Physical types are what Spark writes for the Delta types: timestamps INT64
 *       TIMESTAMP(MICROS, UTC), dates INT32 DATE, decimals fixed-length binary DECIMAL, strings
 *       UTF8, arrays 3-level lists.
 *   <li>A file is finished once its size reaches the target, so files end a little above it.
 *   <li>{@link #close} without {@link #finish} deletes every file this writer created.
 * </ul>
 *
 * <p>Not thread-safe: use one writer per thread (in Beam, per bundle).
 */
public final class DeltaFileWriter implements AutoCloseable {

  public static final long DEFAULT_TARGET_FILE_SIZE = 128L << 20;
  public static final String DEFAULT_FILE_PREFIX = "part";

  // Each open partition buffers up to one row group in memory; capping it bounds the heap when
  // many partitions are open at once.
  private static final long MAX_ROW_GROUP_SIZE = 64L << 20;
  private static final int SIZE_CHECK_INTERVAL = 512;
  private static final int DICTIONARY_PAGE_SIZE = 256 << 10;
  private static final Pattern URI_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");

  private final DeltaTableSchema schema;
  private final long targetFileSize;
  private final String filePrefix;
  private final Path localRoot;
  private final org.apache.hadoop.fs.Path hadoopRoot;
  private final Configuration conf;
  private final MessageType parquetSchema;
  private final int[] dataColumns;
  private final int[] partitionColumns;
  // Per schema column, and per stored column, how its values are checked and written.
  private final ParquetRows.Column[] valueColumns;
  private final ParquetRows.Column[] storedValueColumns;
  private final boolean[] isPartition;
  private final Object[] dataValues;
  // The written form of the current row's stored values, so each value is checked and converted
  // once.
  private final Object[] prepared;
  private final Map<List<Object>, OpenFile> open = new LinkedHashMap<>();
  private final List<DataFile> finished = new ArrayList<>();
  private final List<String> finishedLocations = new ArrayList<>();
  private Object[] lastPartitionValues;
  private OpenFile lastFile;
  private int fileCounter;
  private boolean done;

  /**
   * @param tableRoot the table's root directory: a local path, a {@code file:} URI, or any Hadoop
   *     file system URI such as {@code s3a://bucket/tables/orders}
   * @param targetFileSize the size in bytes at which a file is finished and a new one begun
   * @param filePrefix the start of each file name, e.g. {@code part}; the rest is a counter and a
   *     UUID, so names never collide
   */
  public DeltaFileWriter(
      String tableRoot, DeltaTableSchema schema, long targetFileSize, String filePrefix) {
    Objects.requireNonNull(tableRoot, "tableRoot");
    this.schema = Objects.requireNonNull(schema, "schema");
    if (targetFileSize <= 0) {
      throw new IllegalArgumentException("targetFileSize must be > 0, got " + targetFileSize);
    }
    if (filePrefix == null || filePrefix.isEmpty() || filePrefix.contains("/")) {
      throw new IllegalArgumentException("filePrefix must be a non-empty file name: " + filePrefix);
    }
    this.targetFileSize = targetFileSize;
    this.filePrefix = filePrefix;

    this.localRoot = localRoot(tableRoot);
    this.hadoopRoot = localRoot == null ? new org.apache.hadoop.fs.Path(tableRoot) : null;
    this.conf = new Configuration();

    List<DeltaColumn> columns = schema.columns();
    int[] data = new int[columns.size() - schema.partitionColumns().size()];
    int d = 0;
    for (int i = 0; i < columns.size(); i++) {
      if (!schema.isPartitionColumn(columns.get(i).name())) {
        data[d++] = i;
      }
    }
    this.dataColumns = data;
    this.partitionColumns = schema.partitionColumns().stream().mapToInt(schema::indexOf).toArray();
    List<DeltaColumn> stored = Arrays.stream(data).mapToObj(columns::get).toList();
    this.parquetSchema = ParquetRows.schema(stored);
    this.valueColumns = new ParquetRows.Column[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      valueColumns[i] = ParquetRows.column(columns.get(i).type());
    }
    this.isPartition = new boolean[columns.size()];
    for (int p : partitionColumns) {
      isPartition[p] = true;
    }
    this.storedValueColumns =
        Arrays.stream(data).mapToObj(i -> valueColumns[i]).toArray(ParquetRows.Column[]::new);
    this.dataValues = new Object[data.length];
    this.prepared = new Object[data.length];
  }

  /**
   * The table root as a local directory, or null when it names another Hadoop file system (any URI
   * scheme but {@code file:}): the one rule by which table files are written and read back.
   */
  static @Nullable Path localRoot(String tableRoot) {
    if (URI_SCHEME.matcher(tableRoot).matches() && !tableRoot.startsWith("file:")) {
      return null;
    }
    return (tableRoot.startsWith("file:")
            ? Paths.get(URI.create(tableRoot))
            : Paths.get(tableRoot).toAbsolutePath())
        .normalize();
  }

  /** A writer with the default 128 MiB target file size and {@code part} file prefix. */
  public static DeltaFileWriter create(String tableRoot, DeltaTableSchema schema) {
    return new DeltaFileWriter(tableRoot, schema, DEFAULT_TARGET_FILE_SIZE, DEFAULT_FILE_PREFIX);
  }

  /** Writes one row; see the class documentation for what is refused. */
  public void write(Object[] row) {
    if (done) {
      throw new IllegalStateException("writer already finished or closed");
    }
    List<DeltaColumn> columns = schema.columns();
    if (row.length != columns.size()) {
      throw new IllegalArgumentException(
          "row has " + row.length + " values, the schema has " + columns.size() + " columns");
    }
    for (int i = 0; i < columns.size(); i++) {
      Object v = row[i];
      if (v == null) {
        if (!columns.get(i).nullable()) {
          throw new IllegalArgumentException(
              "column \"" + columns.get(i).name() + "\" is not nullable but the value is null");
        }
      } else if (isPartition[i]) {
        valueColumns[i].prepare(v, columns.get(i).name());
      }
    }
    // Checked before anything is kept, so a refused row leaves no trace.
    for (int j = 0; j < dataColumns.length; j++) {
      Object v = row[dataColumns[j]];
      prepared[j] =
          v == null ? null : storedValueColumns[j].prepare(v, columns.get(dataColumns[j]).name());
    }
    OpenFile file = fileFor(row);
    for (int j = 0; j < dataColumns.length; j++) {
      dataValues[j] = row[dataColumns[j]];
    }
    try {
      file.writer.write(prepared);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file.location, e);
    }
    file.stats.add(dataValues);
    // Asking Parquet for its buffered size walks every column, so it is asked only now and then.
    if ((++file.rowsSinceSizeCheck & (SIZE_CHECK_INTERVAL - 1)) == 0
        && file.writer.getDataSize() >= targetFileSize) {
      open.remove(file.key);
      lastFile = null;
      lastPartitionValues = null;
      finishFile(file);
    }
  }

  private OpenFile fileFor(Object[] row) {
    if (lastFile != null && samePartition(row)) {
      return lastFile;
    }
    Object[] values = new Object[partitionColumns.length];
    for (int p = 0; p < partitionColumns.length; p++) {
      values[p] = row[partitionColumns[p]];
    }
    String[] formatted = new String[values.length];
    for (int p = 0; p < values.length; p++) {
      formatted[p] =
          DeltaPartitions.format(values[p], schema.columns().get(partitionColumns[p]).type());
    }
    // Keyed by the formatted values, which are what identify a partition (and byte[] has no
    // value equality).
    List<Object> key = Arrays.asList((Object[]) formatted);
    OpenFile file = open.get(key);
    if (file == null) {
      file = openFile(key, formatted);
      open.put(key, file);
    }
    lastFile = file;
    lastPartitionValues = values;
    return file;
  }

  private boolean samePartition(Object[] row) {
    for (int p = 0; p < partitionColumns.length; p++) {
      if (!Objects.deepEquals(row[partitionColumns[p]], lastPartitionValues[p])) {
        return false;
      }
    }
    return true;
  }

  private OpenFile openFile(List<Object> key, String[] formatted) {
    String fileName =
        String.format(
            "%s-%05d-%s.c000.snappy.parquet", filePrefix, fileCounter++, UUID.randomUUID());
    String relative = DeltaPartitions.directory(schema.partitionColumns(), formatted) + fileName;
    Map<String, String> partitionValues = new LinkedHashMap<>();
    for (int p = 0; p < formatted.length; p++) {
      partitionValues.put(schema.partitionColumns().get(p), formatted[p]);
    }
    try {
      OutputFile out;
      String location;
      if (localRoot != null) {
        Path file = localRoot.resolve(relative);
        Files.createDirectories(file.getParent());
        out = new LocalOutputFile(file);
        location = file.toString();
      } else {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(hadoopRoot, relative);
        out = HadoopOutputFile.fromPath(file, conf);
        location = file.toString();
      }
      RowWriter.Builder builder =
          new RowWriter.Builder(out, parquetSchema, storedValueColumns)
              .withConf(conf)
              .withCompressionCodec(CompressionCodecName.SNAPPY)
              .withRowGroupSize(Math.min(targetFileSize, MAX_ROW_GROUP_SIZE))
              .withWriteMode(ParquetFileWriter.Mode.CREATE);
      // Dictionaries and page min/max only cost time on values that are all distinct and long
      // (images, ids, positions): Parquet would copy every new max. Delta's own per-file stats,
      // which Databricks skips files by, are kept regardless. Spark 3.5 reads no size statistics.
      builder.withSizeStatisticsEnabled(false).withDictionaryPageSize(DICTIONARY_PAGE_SIZE);
      for (String column : schema.plainEncodedColumns()) {
        if (!schema.isPartitionColumn(column)) {
          builder.withDictionaryEncoding(column, false).withStatisticsEnabled(column, false);
        }
      }
      ParquetWriter<Object[]> writer = builder.build();
      List<DeltaColumn> stored =
          Arrays.stream(dataColumns).mapToObj(schema.columns()::get).toList();
      return new OpenFile(key, relative, location, partitionValues, writer, new FileStats(stored));
    } catch (IOException e) {
      throw new UncheckedIOException("opening a data file under " + relative, e);
    }
  }

  private void finishFile(OpenFile file) {
    finishedLocations.add(file.location);
    try {
      file.writer.close();
      long size;
      long modified;
      if (localRoot != null) {
        Path p = Paths.get(file.location);
        size = Files.size(p);
        modified = Files.getLastModifiedTime(p).toMillis();
      } else {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(file.location);
        FileStatus status = p.getFileSystem(conf).getFileStatus(p);
        size = status.getLen();
        modified = status.getModificationTime();
      }
      finished.add(
          new DataFile(
              DeltaPartitions.toUriPath(file.relative),
              file.partitionValues,
              size,
              modified,
              file.stats.numRecords(),
              file.stats.toJson()));
    } catch (IOException e) {
      throw new UncheckedIOException("finishing " + file.location, e);
    }
  }

  /**
   * Finishes every open file and returns all files this writer wrote, in the order they were
   * finished. The writer accepts no rows afterwards; {@link #close} then does nothing.
   */
  public List<DataFile> finish() {
    if (done) {
      throw new IllegalStateException("writer already finished or closed");
    }
    List<OpenFile> files = new ArrayList<>(open.values());
    open.clear();
    lastFile = null;
    for (OpenFile f : files) {
      finishFile(f);
    }
    done = true;
    return List.copyOf(finished);
  }

  /** Deletes every file written unless {@link #finish} has returned them. */
  @Override
  public void close() {
    if (done) {
      return;
    }
    done = true;
    List<String> toDelete = new ArrayList<>(finishedLocations);
    for (OpenFile f : open.values()) {
      try {
        f.writer.close();
      } catch (IOException | RuntimeException e) {
        // The file is deleted next; a failed close only means there is less to delete.
      }
      toDelete.add(f.location);
    }
    open.clear();
    RuntimeException failure = null;
    for (String location : toDelete) {
      try {
        if (localRoot != null) {
          Files.deleteIfExists(Paths.get(location));
        } else {
          org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location);
          FileSystem fs = p.getFileSystem(conf);
          fs.delete(p, false);
        }
      } catch (IOException e) {
        if (failure == null) {
          failure = new UncheckedIOException("deleting unfinished data file " + location, e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** A data file being written; only its row counter changes. */
  private static final class OpenFile {
    final List<Object> key;
    final String relative;
    final String location;
    final Map<String, String> partitionValues;
    final ParquetWriter<Object[]> writer;
    final FileStats stats;
    int rowsSinceSizeCheck;

    OpenFile(
        List<Object> key,
        String relative,
        String location,
        Map<String, String> partitionValues,
        ParquetWriter<Object[]> writer,
        FileStats stats) {
      this.key = key;
      this.relative = relative;
      this.location = location;
      this.partitionValues = partitionValues;
      this.writer = writer;
      this.stats = stats;
    }
  }

  /** Parquet's writer builder for {@link ParquetRows.RowWriteSupport}. */
  private static final class RowWriter {
    private RowWriter() {}

    static final class Builder extends ParquetWriter.Builder<Object[], Builder> {
      private final MessageType schema;
      private final ParquetRows.Column[] columns;

      Builder(OutputFile out, MessageType schema, ParquetRows.Column[] columns) {
        super(out);
        this.schema = schema;
        this.columns = columns;
      }

      @Override
      protected Builder self() {
        return this;
      }

      @Override
      protected WriteSupport<Object[]> getWriteSupport(Configuration conf) {
        return new ParquetRows.RowWriteSupport(schema, columns);
      }
    }
  }
}
