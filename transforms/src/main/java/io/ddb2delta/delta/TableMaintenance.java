package io.ddb2delta.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.MessageType;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Compaction, checkpoints and vacuum for any table ddb2delta writes.
 *
 * <p>Guarantees: compaction bin-packs runs of small files of one partition into files of about the
 * target size, rows unchanged, in one {@code dataChange=false} commit, so the table's content and
 * every reader of its changes are unaffected; ordered by a key column, it packs only neighbouring
 * key ranges, so a keyed table's ranges stay apart. Vacuum deletes only files under the table that
 * neither its latest version nor a version within the retention references, and never with a
 * retention under {@link #MIN_RETENTION} unless forced.
 */
public final class TableMaintenance {
  /** Below this a vacuum could delete files that a reader of a recent version still needs. */
  public static final Duration MIN_RETENTION = Duration.ofDays(7);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DeltaTable table;
  private final String root;
  private final Configuration conf = new Configuration();

  public TableMaintenance(DeltaTable table) {
    this.table = table;
    this.root = table.path();
  }

  /** What a compaction did. */
  public record Compacted(int filesBefore, int filesAfter, int removed, int added, long version) {}

  /**
   * Packs runs of files smaller than half of {@code targetBytes} into files of about that size;
   * runs are of neighbours by {@code orderColumn}'s minimum when given (a keyed table), else by
   * age. Files of different Parquet schemas are not packed together.
   */
  public Compacted compact(long targetBytes, @Nullable String orderColumn) {
    List<DataFile> files = table.files();
    Map<Map<String, String>, List<DataFile>> partitions = new LinkedHashMap<>();
    for (DataFile f : files) {
      partitions.computeIfAbsent(f.partitionValues(), p -> new ArrayList<>()).add(f);
    }
    List<List<DataFile>> bins = new ArrayList<>();
    for (List<DataFile> group : partitions.values()) {
      group.sort(order(orderColumn));
      List<DataFile> run = new ArrayList<>();
      long runBytes = 0;
      for (DataFile f : group) {
        if (f.sizeBytes() >= targetBytes / 2 || runBytes + f.sizeBytes() > targetBytes) {
          bins.add(run);
          run = new ArrayList<>();
          runBytes = 0;
        }
        if (f.sizeBytes() < targetBytes / 2) {
          run.add(f);
          runBytes += f.sizeBytes();
        }
      }
      bins.add(run);
    }
    List<DataFile> removed = new ArrayList<>();
    List<DataFile> added = new ArrayList<>();
    try {
      for (List<DataFile> bin : bins) {
        if (bin.size() >= 2) {
          for (Map.Entry<MessageType, List<DataFile>> sameSchema : bySchema(bin).entrySet()) {
            if (sameSchema.getValue().size() >= 2) {
              added.add(pack(sameSchema.getKey(), sameSchema.getValue()));
              removed.addAll(sameSchema.getValue());
            }
          }
        }
      }
    } catch (RuntimeException e) {
      added.forEach(this::deleteQuietly);
      throw e;
    }
    if (removed.isEmpty()) {
      return new Compacted(files.size(), files.size(), 0, 0, table.version());
    }
    Map<String, String> metrics = new LinkedHashMap<>();
    metrics.put("numRemovedFiles", Integer.toString(removed.size()));
    metrics.put("numAddedFiles", Integer.toString(added.size()));
    metrics.put(
        "numRemovedBytes", Long.toString(removed.stream().mapToLong(DataFile::sizeBytes).sum()));
    metrics.put(
        "numAddedBytes", Long.toString(added.stream().mapToLong(DataFile::sizeBytes).sum()));
    long version = table.replaceFiles(removed, added, "OPTIMIZE (bin-packing)", metrics);
    return new Compacted(
        files.size(),
        files.size() - removed.size() + added.size(),
        removed.size(),
        added.size(),
        version);
  }

  /** What a vacuum found and did. */
  public record Vacuumed(int candidates, int deleted, long deletedBytes, boolean dryRun) {}

  /**
   * Deletes the files under the table, outside {@code _delta_log}, that its latest version does not
   * hold, that no commit removed within {@code retention}, and that were last written before it.
   */
  public Vacuumed vacuum(Duration retention, boolean force, boolean dryRun) {
    if (retention.compareTo(MIN_RETENTION) < 0 && !force) {
      throw new IllegalArgumentException(
          "a retention of "
              + retention
              + " is below "
              + MIN_RETENTION.toDays()
              + " days: readers of a recent version could lose files; give --force to do it"
              + " anyway");
    }
    long cutoff = System.currentTimeMillis() - retention.toMillis();
    Set<String> inUse = new java.util.HashSet<>();
    for (String p : table.pathsInUse(cutoff)) {
      inUse.add(URI.create(p).getPath());
    }
    int candidates = 0;
    int deleted = 0;
    long bytes = 0;
    for (Map.Entry<String, long[]> f : dataFiles().entrySet()) {
      if (inUse.contains(f.getKey()) || f.getValue()[1] >= cutoff) {
        continue;
      }
      candidates++;
      if (!dryRun) {
        delete(f.getKey());
        deleted++;
        bytes += f.getValue()[0];
      }
    }
    return new Vacuumed(candidates, deleted, bytes, dryRun);
  }

  /** Every file under the table but its log, relative path to {size, modified millis}. */
  private Map<String, long[]> dataFiles() {
    Map<String, long[]> out = new LinkedHashMap<>();
    Path local = DeltaFileWriter.localRoot(root);
    try {
      if (local != null) {
        try (Stream<Path> walk = Files.walk(local)) {
          for (Path p : walk.filter(Files::isRegularFile).toList()) {
            String relative = local.relativize(p).toString().replace('\\', '/');
            if (!relative.startsWith("_delta_log/")
                && !p.getFileName().toString().startsWith(".")) {
              out.put(
                  relative, new long[] {Files.size(p), Files.getLastModifiedTime(p).toMillis()});
            }
          }
        }
      } else {
        org.apache.hadoop.fs.Path base = new org.apache.hadoop.fs.Path(root);
        FileSystem fs = base.getFileSystem(conf);
        String prefix = fs.makeQualified(base).toString() + "/";
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(base, true);
        while (it.hasNext()) {
          FileStatus s = it.next();
          String relative = s.getPath().toString().substring(prefix.length());
          if (!relative.startsWith("_delta_log/") && !s.getPath().getName().startsWith(".")) {
            out.put(relative, new long[] {s.getLen(), s.getModificationTime()});
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing the files of " + root, e);
    }
    return out;
  }

  private static Comparator<DataFile> order(@Nullable String orderColumn) {
    if (orderColumn == null) {
      return Comparator.comparingLong(DataFile::modificationTimeMillis)
          .thenComparing(DataFile::path);
    }
    return (a, b) -> {
      JsonNode x = minOf(a, orderColumn);
      JsonNode y = minOf(b, orderColumn);
      if (x == null || y == null) {
        return x == null ? (y == null ? a.path().compareTo(b.path()) : -1) : 1;
      }
      int c = compare(x, y);
      return c != 0 ? c : a.path().compareTo(b.path());
    };
  }

  private static @Nullable JsonNode minOf(DataFile f, String column) {
    try {
      return JSON.readTree(f.statsJson()).path("minValues").get(column);
    } catch (IOException e) {
      return null;
    }
  }

  private Map<MessageType, List<DataFile>> bySchema(List<DataFile> bin) {
    Map<MessageType, List<DataFile>> out = new LinkedHashMap<>();
    for (DataFile f : bin) {
      try (ParquetFileReader r = ParquetFileReader.open(inputFile(f.path()))) {
        out.computeIfAbsent(r.getFooter().getFileMetaData().getSchema(), s -> new ArrayList<>())
            .add(f);
      } catch (IOException e) {
        throw new UncheckedIOException("reading the footer of " + f.path() + " of " + root, e);
      }
    }
    return out;
  }

  /**
   * Writes the rows of {@code files}, all of {@code schema}, in order, into one new file beside
   * them.
   */
  private DataFile pack(MessageType schema, List<DataFile> files) {
    String first = URI.create(files.get(0).path()).getPath();
    int slash = first.lastIndexOf('/');
    String relative =
        (slash < 0 ? "" : first.substring(0, slash + 1))
            + "part-compact-"
            + UUID.randomUUID()
            + ".c000.snappy.parquet";
    long rows = 0;
    OutputFile out = outputFile(relative);
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(out)
            .withConf(conf)
            .withType(schema)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .build()) {
      for (DataFile f : files) {
        try (ParquetReader<Group> r = new Groups(inputFile(f.path())).withConf(conf).build()) {
          for (Group g = r.read(); g != null; g = r.read()) {
            w.write(g);
            rows++;
          }
        }
      }
    } catch (IOException e) {
      deleteQuietly(relative);
      throw new UncheckedIOException("compacting " + files.size() + " files of " + root, e);
    }
    long[] sizeAndTime = sizeAndTime(relative);
    return new DataFile(
        encode(relative),
        files.get(0).partitionValues(),
        sizeAndTime[0],
        sizeAndTime[1],
        rows,
        mergedStats(files, rows));
  }

  /**
   * The statistics of files read together: the least minimum and greatest maximum per column (a
   * column missing from any file's bounds is left out) and the summed null counts.
   */
  static String mergedStats(List<DataFile> files, long rows) {
    List<JsonNode> stats = new ArrayList<>();
    for (DataFile f : files) {
      try {
        stats.add(JSON.readTree(f.statsJson()));
      } catch (IOException e) {
        stats.add(JSON.createObjectNode());
      }
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("numRecords", rows);
    ObjectNode min = bound(stats, "minValues", -1);
    ObjectNode max = bound(stats, "maxValues", 1);
    if (!min.isEmpty()) {
      out.set("minValues", min);
    }
    if (!max.isEmpty()) {
      out.set("maxValues", max);
    }
    ObjectNode nulls = JSON.createObjectNode();
    JsonNode firstNulls = stats.get(0).path("nullCount");
    for (Iterator<String> it = firstNulls.fieldNames(); it.hasNext(); ) {
      String column = it.next();
      long sum = 0;
      boolean all = true;
      for (JsonNode s : stats) {
        JsonNode n = s.path("nullCount").get(column);
        if (n == null || !n.canConvertToLong()) {
          all = false;
          break;
        }
        sum += n.asLong();
      }
      if (all) {
        nulls.put(column, sum);
      }
    }
    if (!nulls.isEmpty()) {
      out.set("nullCount", nulls);
    }
    return out.toString();
  }

  private static ObjectNode bound(List<JsonNode> stats, String field, int sign) {
    ObjectNode out = JSON.createObjectNode();
    JsonNode first = stats.get(0).path(field);
    for (Iterator<String> it = first.fieldNames(); it.hasNext(); ) {
      String column = it.next();
      JsonNode best = null;
      for (JsonNode s : stats) {
        JsonNode v = s.path(field).get(column);
        if (v == null || v.isNull() || !v.isValueNode()) {
          best = null;
          break;
        }
        if (best == null || sign * compare(v, best) > 0) {
          best = v;
        }
      }
      if (best != null) {
        out.set(column, best);
      }
    }
    return out;
  }

  /** Two statistics values: numbers as numbers, text by code point as Delta orders strings. */
  private static int compare(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText()));
    }
    String x = a.asText();
    String y = b.asText();
    for (int i = 0, j = 0; i < x.length() && j < y.length(); ) {
      int cx = x.codePointAt(i);
      int cy = y.codePointAt(j);
      if (cx != cy) {
        return Integer.compare(cx, cy);
      }
      i += Character.charCount(cx);
      j += Character.charCount(cy);
    }
    return Integer.compare(x.codePointCount(0, x.length()), y.codePointCount(0, y.length()));
  }

  private InputFile inputFile(String logPath) {
    return ParquetRowReader.inputFile(root, logPath, conf);
  }

  private OutputFile outputFile(String relative) {
    Path local = DeltaFileWriter.localRoot(root);
    try {
      if (local != null) {
        Files.createDirectories(local.resolve(relative).getParent());
        return new LocalOutputFile(local.resolve(relative));
      }
      return HadoopOutputFile.fromPath(
          new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(root), relative), conf);
    } catch (IOException e) {
      throw new UncheckedIOException("creating " + relative + " under " + root, e);
    }
  }

  private long[] sizeAndTime(String relative) {
    Path local = DeltaFileWriter.localRoot(root);
    try {
      if (local != null) {
        Path p = local.resolve(relative);
        return new long[] {Files.size(p), Files.getLastModifiedTime(p).toMillis()};
      }
      org.apache.hadoop.fs.Path p =
          new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(root), relative);
      FileStatus s = p.getFileSystem(conf).getFileStatus(p);
      return new long[] {s.getLen(), s.getModificationTime()};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void delete(String relative) {
    Path local = DeltaFileWriter.localRoot(root);
    try {
      if (local != null) {
        Files.deleteIfExists(local.resolve(relative));
      } else {
        org.apache.hadoop.fs.Path p =
            new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(root), relative);
        p.getFileSystem(conf).delete(p, false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("deleting " + relative + " of " + root, e);
    }
  }

  private void deleteQuietly(String relative) {
    try {
      delete(relative);
    } catch (UncheckedIOException e) {
      // Left for vacuum: an unreferenced file is not part of the table.
    }
  }

  private void deleteQuietly(DataFile f) {
    deleteQuietly(URI.create(f.path()).getPath());
  }

  /** Reads a file's rows as Parquet's example groups, which any schema has. */
  private static final class Groups extends ParquetReader.Builder<Group> {
    Groups(InputFile file) {
      super(file);
    }

    @Override
    protected org.apache.parquet.hadoop.api.ReadSupport<Group> getReadSupport() {
      return new GroupReadSupport();
    }
  }

  /** A relative path as the log spells it: URI-encoded, as Delta's own writers do. */
  private static String encode(String relative) {
    try {
      return new URI(null, null, relative, null).getRawPath();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(relative, e);
    }
  }
}
