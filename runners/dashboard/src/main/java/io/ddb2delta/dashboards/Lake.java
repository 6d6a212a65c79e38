package io.ddb2delta.dashboards;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * Spark SQL over a local lake: every Delta table under the root is a view of its folder's name, so
 * SQL written for Databricks, which names tables unqualified, runs here unchanged. A view reads the
 * table's newest version at every query.
 */
public final class Lake implements AutoCloseable {
  private final SparkSession spark;
  private final Path root;
  private final java.util.Set<String> viewed = new java.util.LinkedHashSet<>();
  private final Map<String, Long> versions = new java.util.HashMap<>();
  private final java.util.Set<String> inMemory = new java.util.HashSet<>();
  private final Map<String, Dataset<Row>> frames = new java.util.HashMap<>();

  private Lake(SparkSession spark, Path root) {
    this.spark = spark;
    this.root = root;
  }

  /** A Spark session of its own, local and small, in UTC. */
  public static Lake open(Path root) {
    SparkSession spark =
        SparkSession.builder()
            .appName("ddb2delta-dashboard")
            .master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "1")
            // Delta's default of 50 partitions makes each snapshot load 50 small tasks.
            .config("spark.databricks.delta.snapshotPartitions", "1")
            // A query may read a snapshot up to a second old while a newer one loads in the
            // background, rather than list the log itself: the widgets of one refresh share it.
            .config("spark.databricks.delta.stalenessLimit", "1s")
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config(
                "spark.sql.catalog.spark_catalog",
                "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    Lake lake = new Lake(spark, root);
    lake.refreshViews();
    return lake;
  }

  /**
   * Keeps a view of every Delta table under the root, and returns their names. A table in {@code
   * cached} is read into memory at its newest version, again only when a new version appears, so
   * that the widgets of a refresh share one read of it; any other table is a view that reads its
   * newest version at each query.
   */
  public synchronized List<String> refreshViews(java.util.Set<String> cached) {
    // Once held in memory, a table stays so for every caller, and each refresh keeps it current.
    inMemory.addAll(cached);
    if (!Files.isDirectory(root)) {
      return List.copyOf(viewed);
    }
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.sorted().toList()) {
        String name = dir.getFileName().toString();
        long version = latestVersion(dir.resolve("_delta_log"));
        if (version < 0) {
          continue;
        }
        if (inMemory.contains(name)) {
          Long had = versions.get(name);
          if (had == null || had != version) {
            Dataset<Row> table =
                spark
                    .read()
                    .format("delta")
                    .option("versionAsOf", version)
                    .load(dir.toAbsolutePath().toString())
                    .cache();
            table.createOrReplaceTempView(name);
            Dataset<Row> old = frames.put(name, table);
            if (old != null) {
              old.unpersist(false);
            }
            versions.put(name, version);
          }
        } else if (!viewed.contains(name)) {
          spark.sql(
              "CREATE OR REPLACE TEMPORARY VIEW `"
                  + name
                  + "` AS SELECT * FROM delta.`"
                  + dir.toAbsolutePath()
                  + "`");
        }
        viewed.add(name);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(viewed);
  }

  /** {@link #refreshViews(java.util.Set)} with no table held in memory. */
  public List<String> refreshViews() {
    return refreshViews(java.util.Set.of());
  }

  /** The newest version in a Delta log folder, by its commit files; -1 when it has none. */
  static long latestVersion(Path log) throws IOException {
    if (!Files.isDirectory(log)) {
      return -1;
    }
    long newest = -1;
    try (Stream<Path> files = Files.list(log)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        if (n.length() == 25 && n.endsWith(".json")) {
          newest = Math.max(newest, Long.parseLong(n.substring(0, 20)));
        }
      }
    }
    return newest;
  }

  /** A query's result: column names and rows of JSON-friendly values. */
  public record Result(List<String> columns, List<List<Object>> rows) {
    public List<Map<String, Object>> asMaps() {
      List<Map<String, Object>> out = new ArrayList<>();
      for (List<Object> r : rows) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
          m.put(columns.get(i), r.get(i));
        }
        out.add(m);
      }
      return out;
    }
  }

  /** Runs one statement; timestamps come back as ISO-8601 UTC text, decimals as numbers. */
  public Result query(String sql) {
    Dataset<Row> df = spark.sql(sql);
    List<String> columns = new ArrayList<>();
    for (StructField f : df.schema().fields()) {
      columns.add(f.name());
    }
    List<List<Object>> rows = new ArrayList<>();
    for (Row r : df.collectAsList()) {
      List<Object> row = new ArrayList<>(r.size());
      for (int i = 0; i < r.size(); i++) {
        row.add(plain(r.get(i)));
      }
      rows.add(row);
    }
    return new Result(columns, rows);
  }

  private static Object plain(Object v) {
    if (v instanceof Timestamp t) {
      return t.toInstant().toString();
    }
    if (v instanceof Date d) {
      return d.toLocalDate().toString();
    }
    if (v instanceof BigDecimal b) {
      return b.doubleValue();
    }
    return v;
  }

  @Override
  public void close() {
    spark.stop();
  }
}
