package io.ddb2delta.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.standalone.DeltaLog;
import io.delta.standalone.Operation;
import io.delta.standalone.OptimisticTransaction;
import io.delta.standalone.Snapshot;
import io.delta.standalone.VersionLog;
import io.delta.standalone.actions.Action;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.CommitInfo;
import io.delta.standalone.actions.Metadata;
import io.delta.standalone.actions.Protocol;
import io.delta.standalone.actions.SetTransaction;
import io.delta.standalone.exceptions.DeltaConcurrentModificationException;
import io.delta.standalone.internal.SnapshotImpl;
import io.delta.standalone.types.ArrayType;
import io.delta.standalone.types.BinaryType;
import io.delta.standalone.types.BooleanType;
import io.delta.standalone.types.DataType;
import io.delta.standalone.types.DateType;
import io.delta.standalone.types.DecimalType;
import io.delta.standalone.types.DoubleType;
import io.delta.standalone.types.IntegerType;
import io.delta.standalone.types.LongType;
import io.delta.standalone.types.MapType;
import io.delta.standalone.types.StringType;
import io.delta.standalone.types.StructField;
import io.delta.standalone.types.StructType;
import io.delta.standalone.types.TimestampType;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;

/**
 * One Delta table, read and committed through delta-standalone. This is the only class that uses
 * delta-standalone, so moving to Delta Kernel changes this file alone.
 *
 * <p>Guarantees: ddb2delta only writes tables at protocol (1,2), which every Databricks runtime
 * reads; a table that needs a newer protocol fails with a {@link DeltaTableException} before
 * anything is written. {@link #commit} is idempotent per (appId, version): the data files and the
 * transaction id go into one atomic commit, and a version at or below the table's recorded version
 * for the appId commits nothing.
 *
 * <p>Not thread-safe; one committer per table is the intended use.
 */
public final class DeltaTable {

  /** The commit operations a ddb2delta commit may record. */
  public static final String WRITE = "WRITE";

  public static final String STREAMING_UPDATE = "STREAMING UPDATE";

  private static final int READER_VERSION = 1;
  private static final int WRITER_VERSION = 2;
  private static final Pattern PROTOCOL_IN_MESSAGE = Pattern.compile("\\((\\d+),(\\d+)\\)");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ENGINE_INFO = "ddb2delta/" + projectVersion();

  private final String path;
  private final Configuration conf;
  private DeltaLog log;

  private DeltaTable(String path, Configuration conf) {
    this.path = path;
    this.conf = conf;
  }

  /** The table at a local path, a {@code file:} URI or a Hadoop URI such as {@code s3a://}. */
  public static DeltaTable forPath(String tableRoot) {
    Configuration conf = new Configuration();
    // Local commits without Hadoop's forked readlink/chmod processes; see NioLocalLogStore.
    conf.setIfUnset(NioLocalLogStore.CONF_KEY, NioLocalLogStore.class.getName());
    return forPath(tableRoot, conf);
  }

  public static DeltaTable forPath(String tableRoot, Configuration conf) {
    Objects.requireNonNull(tableRoot, "tableRoot");
    boolean hasScheme = tableRoot.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
    String uri = hasScheme ? tableRoot : new File(tableRoot).getAbsoluteFile().toURI().toString();
    return new DeltaTable(uri, Objects.requireNonNull(conf, "conf"));
  }

  /** The table root as a URI. */
  public String path() {
    return path;
  }

  public boolean exists() {
    return version() >= 0;
  }

  /** The latest committed version, or -1 when there is no table. */
  public long version() {
    return snapshot().getVersion();
  }

  /**
   * Creates the table at protocol (1,2) unless it exists. An existing table must be writable
   * ({@link #checkWritable}) and have exactly this schema and these partition columns, except that
   * a column the table allows to be null may be required here.
   *
   * @param properties table properties, e.g. {@code delta.checkpointInterval}
   */
  public void createIfAbsent(String name, DeltaTableSchema schema, Map<String, String> properties) {
    createIfAbsent(name, schema, properties, false);
  }

  /**
   * As {@link #createIfAbsent(String, DeltaTableSchema, Map)}; with {@code allowAddedColumns}, an
   * existing table may also hold nullable columns the schema lacks, as a table whose schema evolved
   * ({@link #commit(List, String, Map, List)}) does.
   */
  public void createIfAbsent(
      String name,
      DeltaTableSchema schema,
      Map<String, String> properties,
      boolean allowAddedColumns) {
    Snapshot current = snapshot();
    if (current.getVersion() >= 0) {
      checkExisting(current, schema, allowAddedColumns);
      return;
    }
    Metadata metadata =
        Metadata.builder()
            .name(name)
            .schema(structType(schema))
            .partitionColumns(schema.partitionColumns())
            .configuration(new LinkedHashMap<>(properties))
            .createdTime(System.currentTimeMillis())
            .build();
    try {
      guarded(
          () -> {
            OptimisticTransaction txn = log.startTransaction();
            txn.updateMetadata(metadata);
            return txn.commit(
                List.of(new Protocol(READER_VERSION, WRITER_VERSION)),
                new Operation(Operation.Name.CREATE_TABLE),
                ENGINE_INFO);
          });
    } catch (DeltaConcurrentModificationException e) {
      // Another committer created it first; theirs must match ours.
      checkExisting(snapshot(), schema, allowAddedColumns);
    }
  }

  private void checkExisting(Snapshot snapshot, DeltaTableSchema schema, boolean allowAdded) {
    checkWritable(snapshot);
    List<String> problems = schemaDifferences(snapshot.getMetadata(), schema, allowAdded);
    if (!problems.isEmpty()) {
      throw new DeltaTableException(
          "table "
              + path
              + " exists with a different schema than ddb2delta's mapping: "
              + String.join("; ", problems)
              + ". Point --deltaRoot at a new location, or change the mapping to match.");
    }
  }

  /** Fails fast when the table's protocol needs more than ddb2delta writes. */
  public void checkWritable() {
    checkWritable(snapshot());
  }

  private void checkWritable(Snapshot snapshot) {
    // delta-standalone's Snapshot interface hides the protocol; its implementation, frozen with
    // the project's last release, exposes it.
    if (snapshot instanceof SnapshotImpl impl && snapshot.getVersion() >= 0) {
      Protocol p = impl.protocol();
      if (p.getMinReaderVersion() > READER_VERSION || p.getMinWriterVersion() > WRITER_VERSION) {
        throw unsupportedProtocol(p.getMinReaderVersion(), p.getMinWriterVersion(), null);
      }
    }
  }

  private DeltaTableException unsupportedProtocol(int reader, int writer, Throwable cause) {
    String protocol = reader < 0 ? "a newer protocol" : "(" + reader + "," + writer + ")";
    return new DeltaTableException(
        "table "
            + path
            + " uses Delta protocol "
            + protocol
            + ", which needs table features (such as deletion vectors, which Databricks enables"
            + " by default) that ddb2delta cannot write; ddb2delta writes protocol (1,2) tables"
            + " it creates itself; point --deltaRoot at a new location or drop the table so"
            + " ddb2delta can create it",
        cause);
  }

  /** The last version committed for appId, or -1. */
  public long txnVersion(String appId) {
    snapshot();
    return guarded(() -> log.startTransaction().txnVersion(appId));
  }

  /**
   * Commits the files and the transaction (appId, version) atomically, unless the table already
   * holds a version at or above {@code version} for appId, in which case nothing is written (as
   * when a batch is retried during recovery). An empty file list still commits, so that progress
   * and tags are recorded.
   *
   * @param operation {@link #WRITE} or {@link #STREAMING_UPDATE}
   * @param tags stored as the commit's operation parameters (e.g. source positions); read them back
   *     with {@link #lastCommitTags}
   */
  public CommitResult commit(
      String appId,
      long version,
      List<DataFile> files,
      String operation,
      Map<String, String> tags) {
    Objects.requireNonNull(appId, "appId");
    return commit(List.of(new TxnFiles(appId, version, files)), operation, tags);
  }

  /**
   * The files of one writer's batch, committed under the transaction {@code (appId, version)}.
   *
   * @param files may be empty: the transaction alone still records progress
   */
  public record TxnFiles(String appId, long version, List<DataFile> files) {
    public TxnFiles {
      Objects.requireNonNull(appId, "appId");
      files = List.copyOf(files);
    }
  }

  /**
   * Commits, in one Delta commit, every part whose transaction the table does not already hold at
   * or above its version, each with its {@code SetTransaction}; parts already held are left out (as
   * when a batch is retried during recovery), and when every part is held nothing is written. Two
   * parts with one app id are refused: a commit records one version per app id.
   *
   * @param operation {@link #WRITE} or {@link #STREAMING_UPDATE}
   * @param tags stored as the commit's operation parameters (e.g. source positions); read them back
   *     with {@link #lastCommitTags}
   */
  public CommitResult commit(List<TxnFiles> parts, String operation, Map<String, String> tags) {
    return commit(parts, operation, tags, List.of());
  }

  /**
   * As {@link #commit(List, String, Map)}, and when it commits anything, the same commit also adds
   * to the table's schema, as nullable columns at its end, those of {@code addColumns} whose names
   * the table lacks: a Delta metadata update, exactly once with the commit's transactions. A column
   * whose name, ignoring case (as Spark resolves names), the table or an earlier one of the list
   * already has is left out; files written before read it as null.
   */
  public CommitResult commit(
      List<TxnFiles> parts,
      String operation,
      Map<String, String> tags,
      List<DeltaColumn> addColumns) {
    Operation.Name name = operationName(operation);
    if (parts.stream().map(TxnFiles::appId).distinct().count() != parts.size()) {
      throw new IllegalArgumentException("one commit holds one version per app id: " + parts);
    }
    Snapshot current = snapshot();
    if (current.getVersion() < 0) {
      throw new DeltaTableException("table " + path + " does not exist; create it first");
    }
    checkWritable(current);
    return guarded(
        () -> {
          OptimisticTransaction txn = log.startTransaction();
          List<Action> actions = new ArrayList<>();
          long records = 0;
          long bytes = 0;
          int fileCount = 0;
          long now = System.currentTimeMillis();
          for (TxnFiles part : parts) {
            if (txn.txnVersion(part.appId()) >= part.version()) {
              continue;
            }
            for (DataFile f : part.files()) {
              actions.add(added(f));
              records += f.numRecords();
              bytes += f.sizeBytes();
              fileCount++;
            }
            actions.add(new SetTransaction(part.appId(), part.version(), Optional.of(now)));
          }
          if (actions.isEmpty()) {
            return CommitResult.alreadyCommitted(txn.readVersion());
          }
          Metadata widened = withColumns(txn.metadata(), addColumns);
          if (widened != null) {
            txn.updateMetadata(widened);
          }
          Map<String, String> metrics = new LinkedHashMap<>();
          metrics.put(Operation.Metrics.numFiles, Integer.toString(fileCount));
          metrics.put(Operation.Metrics.numOutputRows, Long.toString(records));
          metrics.put(Operation.Metrics.numOutputBytes, Long.toString(bytes));
          long committed =
              txn.commit(actions, new Operation(name, jsonStrings(tags), metrics), ENGINE_INFO)
                  .getVersion();
          return CommitResult.newVersion(committed, fileCount, records);
        });
  }

  /**
   * What a copy-on-write rewrite does to the files it was shown: the files it replaces, the files
   * that replace them (already written) and Delta's MERGE metrics for the commit.
   */
  public record Rewrite(List<DataFile> remove, List<DataFile> add, Map<String, String> metrics) {
    public Rewrite {
      remove = List.copyOf(remove);
      add = List.copyOf(add);
      metrics = Map.copyOf(metrics);
    }
  }

  /**
   * Commits a copy-on-write rewrite under the transaction (appId, version) as one {@code MERGE}
   * commit of removes, adds and the {@code SetTransaction}, unless the table already holds that
   * version for appId. {@code plan} sees every data file of the version it reads and writes the
   * replacements. The whole table counts as read, so any concurrent commit makes this one fail
   * Delta's conflict check (standalone records only partition predicates, FACTS §11); it is then
   * planned again on the new version, up to {@code attempts} times, and the files of the failed
   * plan are deleted. Never commits a plan made on an older version than the one it commits on.
   */
  public CommitResult rewrite(
      String appId,
      long version,
      Map<String, String> tags,
      int attempts,
      java.util.function.Function<List<DataFile>, Rewrite> plan) {
    Objects.requireNonNull(appId, "appId");
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
    }
    for (int attempt = 1; ; attempt++) {
      Snapshot current = snapshot();
      if (current.getVersion() < 0) {
        throw new DeltaTableException("table " + path + " does not exist; create it first");
      }
      checkWritable(current);
      OptimisticTransaction txn = guarded(() -> log.startTransaction());
      if (txn.txnVersion(appId) >= version) {
        return CommitResult.alreadyCommitted(txn.readVersion());
      }
      txn.readWholeTable();
      // startTransaction updated the log to the version it reads, unless another writer has
      // committed since; only then is that version's snapshot read again.
      Snapshot latest = log.snapshot();
      Snapshot read =
          latest.getVersion() == txn.readVersion()
              ? latest
              : guarded(() -> log.getSnapshotForVersionAsOf(txn.readVersion()));
      Map<String, AddFile> byPath = new LinkedHashMap<>();
      List<DataFile> files = new ArrayList<>();
      for (AddFile f : read.getAllFiles()) {
        byPath.put(f.getPath(), f);
        files.add(dataFile(f));
      }
      Rewrite r = plan.apply(List.copyOf(files));
      long now = System.currentTimeMillis();
      List<Action> actions = new ArrayList<>();
      for (DataFile f : r.remove()) {
        AddFile existing = byPath.get(f.path());
        if (existing == null) {
          throw new IllegalArgumentException(
              "the rewrite removes "
                  + f.path()
                  + ", which version "
                  + read.getVersion()
                  + " of "
                  + path
                  + " does not hold");
        }
        actions.add(existing.remove(now, true));
      }
      long records = 0;
      for (DataFile f : r.add()) {
        actions.add(added(f));
        records += f.numRecords();
      }
      actions.add(new SetTransaction(appId, version, Optional.of(now)));
      try {
        long committed =
            txn.commit(
                    actions,
                    new Operation(Operation.Name.MERGE, jsonStrings(tags), r.metrics()),
                    ENGINE_INFO)
                .getVersion();
        return CommitResult.newVersion(committed, r.add().size(), records);
      } catch (DeltaConcurrentModificationException e) {
        deleteQuietly(r.add());
        if (attempt >= attempts) {
          throw new DeltaTableException(
              "a rewrite of "
                  + path
                  + " for "
                  + appId
                  + " version "
                  + version
                  + " lost to concurrent commits "
                  + attempts
                  + " times; the table is unchanged by it: "
                  + e.getMessage(),
              e);
        }
      }
    }
  }

  /**
   * Replaces files by others that hold the same rows (compaction), in one commit marked {@code
   * dataChange=false}, so readers of changes (streams, {@link #appendedSince}) see nothing new. It
   * reads nothing: a concurrent append does not conflict, but a concurrent commit that removed one
   * of the same files does, and then nothing is committed and the new files are deleted. Returns
   * the version committed.
   */
  public long replaceFiles(
      List<DataFile> remove, List<DataFile> add, String operation, Map<String, String> metrics) {
    Snapshot current = snapshot();
    checkWritable(current);
    OptimisticTransaction txn = guarded(() -> log.startTransaction());
    Map<String, AddFile> byPath = new LinkedHashMap<>();
    for (AddFile f : current.getAllFiles()) {
      byPath.put(f.getPath(), f);
    }
    long now = System.currentTimeMillis();
    List<Action> actions = new ArrayList<>();
    for (DataFile f : remove) {
      AddFile existing = byPath.get(f.path());
      if (existing == null) {
        deleteQuietly(add);
        throw new DeltaTableException(
            "replacing " + f.path() + ", which " + path + " no longer holds; nothing committed");
      }
      actions.add(existing.remove(now, false));
    }
    for (DataFile f : add) {
      actions.add(added(f, false));
    }
    try {
      return txn.commit(
              actions,
              new Operation(
                  Operation.Name.MANUAL_UPDATE,
                  jsonStrings(Map.of("operation", operation)),
                  metrics),
              ENGINE_INFO)
          .getVersion();
    } catch (DeltaConcurrentModificationException e) {
      deleteQuietly(add);
      throw new DeltaTableException(
          operation + " of " + path + " lost to a concurrent commit; nothing committed: " + e, e);
    }
  }

  /**
   * Adds to the table's schema, as nullable columns at its end, those of {@code columns} whose
   * names (ignoring case) it lacks, in one metadata commit ({@code ADD COLUMNS}); returns whether
   * it committed. Adding what the table has is a no-op, so a retry or a second writer adding the
   * same columns changes nothing; a concurrent commit makes it try again on the new version.
   */
  public boolean addColumns(List<DeltaColumn> columns) {
    for (int attempt = 1; ; attempt++) {
      snapshot();
      OptimisticTransaction txn = guarded(log::startTransaction);
      Metadata widened = withColumns(txn.metadata(), columns);
      if (widened == null) {
        return false;
      }
      txn.updateMetadata(widened);
      try {
        txn.commit(List.of(), new Operation(Operation.Name.ADD_COLUMNS), ENGINE_INFO);
        return true;
      } catch (DeltaConcurrentModificationException e) {
        if (attempt >= 10) {
          throw new DeltaTableException(
              "adding columns " + columns + " to " + path + " lost to concurrent commits: " + e, e);
        }
      }
    }
  }

  /** The metadata with the columns it lacks added at the end, or null when it lacks none. */
  private static Metadata withColumns(Metadata metadata, List<DeltaColumn> add) {
    if (add.isEmpty()) {
      return null;
    }
    StructType schema = metadata.getSchema();
    List<StructField> fields = new ArrayList<>(List.of(schema.getFields()));
    java.util.Set<String> names = new java.util.HashSet<>();
    for (StructField f : fields) {
      names.add(f.getName().toLowerCase(Locale.ROOT));
    }
    int before = fields.size();
    for (DeltaColumn c : add) {
      if (names.add(c.name().toLowerCase(Locale.ROOT))) {
        fields.add(new StructField(c.name(), dataType(c.type()), true));
      }
    }
    if (fields.size() == before) {
      return null;
    }
    return metadata
        .copyBuilder()
        .schema(new StructType(fields.toArray(StructField[]::new)))
        .build();
  }

  /**
   * The table's columns in schema order, with their types and nullability; none when it does not
   * exist. A column of a type ddb2delta does not write (a struct, say) fails.
   */
  public List<DeltaColumn> columns() {
    Snapshot current = snapshot();
    if (current.getVersion() < 0) {
      return List.of();
    }
    List<DeltaColumn> out = new ArrayList<>();
    for (StructField f : current.getMetadata().getSchema().getFields()) {
      out.add(new DeltaColumn(f.getName(), deltaType(f.getDataType()), f.isNullable(), ""));
    }
    return out;
  }

  /** The table's column names in schema order; none when it does not exist. */
  public List<String> columnNames() {
    Snapshot current = snapshot();
    if (current.getVersion() < 0) {
      return List.of();
    }
    return List.of(current.getMetadata().getSchema().getFieldNames());
  }

  /** Writes a checkpoint of the latest version, so that readers need not replay the log. */
  public long checkpoint() {
    Snapshot current = snapshot();
    if (current.getVersion() < 0) {
      return -1;
    }
    // delta-standalone checkpoints on its own every checkpointInterval commits; its public API
    // has no call for it, but its log implementation does.
    if (!(log instanceof io.delta.standalone.internal.DeltaLogImpl impl)) {
      throw new DeltaTableException("cannot checkpoint " + path + ": not delta-standalone's log");
    }
    guarded(
        () -> {
          impl.checkpoint();
          return null;
        });
    return current.getVersion();
  }

  /**
   * The paths, relative to the table root as the log spells them, of the files the table still
   * needs: those of the latest version, and those removed at or after {@code removedSinceMillis} (a
   * reader of an older version may still read them).
   */
  public java.util.Set<String> pathsInUse(long removedSinceMillis) {
    java.util.Set<String> out = new java.util.HashSet<>();
    Snapshot current = snapshot();
    if (current.getVersion() < 0) {
      return out;
    }
    for (AddFile f : current.getAllFiles()) {
      out.add(f.getPath());
    }
    Iterator<VersionLog> changes = guarded(() -> log.getChanges(0, false));
    while (changes.hasNext()) {
      for (Action a : changes.next().getActions()) {
        if (a instanceof io.delta.standalone.actions.RemoveFile r
            && r.getDeletionTimestamp().orElse(Long.MAX_VALUE) >= removedSinceMillis) {
          out.add(r.getPath());
        }
      }
    }
    return out;
  }

  /**
   * The data files that commits after version {@code after} up to the latest added with new data
   * (compaction's {@code dataChange=false} adds are left out), with the version read through and
   * the timestamp of the oldest commit among them. When the log no longer holds every one of those
   * commits, or {@code after} is -1, every data file of the latest version instead, marked {@code
   * whole}: a reader that applies changes idempotently then catches up all the same.
   */
  public Appended appendedSince(long after) {
    return appendedSince(after, Long.MAX_VALUE);
  }

  /**
   * As {@link #appendedSince(long)}, but read through the first version at which the files hold
   * {@code maxRecords} rows or more, when that comes before the latest: {@link Appended#more} then
   * says that later versions wait. A whole-version read is never cut.
   */
  public Appended appendedSince(long after, long maxRecords) {
    Snapshot latest = snapshot();
    long to = latest.getVersion();
    if (to <= after) {
      return new Appended(to, List.of(), OptionalLong.empty(), false, false);
    }
    if (after >= 0) {
      try {
        List<DataFile> files = new ArrayList<>();
        OptionalLong oldest = OptionalLong.empty();
        long records = 0;
        long through = after;
        Iterator<VersionLog> changes = log.getChanges(after + 1, true);
        while (changes.hasNext() && records < maxRecords) {
          VersionLog v = changes.next();
          if (v.getVersion() > to) {
            break;
          }
          through = v.getVersion();
          for (Action a : v.getActions()) {
            if (a instanceof AddFile f && f.isDataChange()) {
              DataFile d = dataFile(f);
              files.add(d);
              records += d.numRecords();
            } else if (a instanceof CommitInfo ci && oldest.isEmpty()) {
              oldest = OptionalLong.of(ci.getTimestamp().getTime());
            }
          }
        }
        if (through < to && records < maxRecords) {
          through = to; // the log listed no version past `through` up to `to`
        }
        return new Appended(through, files, oldest, false, through < to);
      } catch (RuntimeException e) {
        // The log was cleaned past `after`: fall back to the whole version below.
      }
    }
    List<DataFile> files = new ArrayList<>();
    for (AddFile f : latest.getAllFiles()) {
      files.add(dataFile(f));
    }
    return new Appended(to, files, OptionalLong.empty(), true, false);
  }

  /**
   * What {@link #appendedSince} found; {@code more}: the table has versions after {@code
   * throughVersion} that the read left for the next one.
   */
  public record Appended(
      long throughVersion,
      List<DataFile> files,
      OptionalLong oldestCommitMillis,
      boolean whole,
      boolean more) {
    public Appended {
      files = List.copyOf(files);
    }
  }

  /** The data files of the current version; none when the table does not exist. */
  public List<DataFile> files() {
    Snapshot current = snapshot();
    if (current.getVersion() < 0) {
      return List.of();
    }
    List<DataFile> files = new ArrayList<>();
    for (AddFile f : current.getAllFiles()) {
      files.add(dataFile(f));
    }
    return files;
  }

  /**
   * Hands each row of {@code file}, a data file of the table at {@code tableRoot}, to {@code to},
   * in the values the writer takes ({@link ParquetRowReader}) and in the column order of {@code
   * schema}. Reads the file alone, not the log.
   */
  public static void readRows(
      String tableRoot, DeltaTableSchema schema, DataFile file, Consumer<Object[]> to) {
    new ParquetRowReader(schema).read(tableRoot, file, to);
  }

  private static DataFile dataFile(AddFile f) {
    return new DataFile(
        f.getPath(),
        f.getPartitionValues(),
        f.getSize(),
        f.getModificationTime(),
        statsRecords(f).orElse(0),
        f.getStats() == null ? "{}" : f.getStats());
  }

  /** The data file's {@code add} action. */
  private static AddFile added(DataFile f) {
    return added(f, true);
  }

  private static AddFile added(DataFile f, boolean dataChange) {
    return AddFile.builder(
            f.path(), f.partitionValues(), f.sizeBytes(), f.modificationTimeMillis(), dataChange)
        // delta-standalone writes stats verbatim (@JsonRawValue), while the protocol stores them
        // as a JSON string: hand it a string literal.
        .stats(jsonString(f.statsJson()))
        .build();
  }

  /** The file's {@code numRecords} statistic; empty when it has no stats or they lack it. */
  private static OptionalLong statsRecords(AddFile f) {
    if (f.getStats() == null) {
      return OptionalLong.empty();
    }
    try {
      JsonNode n = JSON.readTree(f.getStats()).get("numRecords");
      return n == null || !n.canConvertToLong()
          ? OptionalLong.empty()
          : OptionalLong.of(n.longValue());
    } catch (IOException e) {
      throw new DeltaTableException("stats of " + f.getPath() + " are not JSON", e);
    }
  }

  /** Deletes written files no commit references; one that cannot be deleted stays unreferenced. */
  private void deleteQuietly(List<DataFile> files) {
    for (DataFile f : files) {
      try {
        org.apache.hadoop.fs.Path p =
            new org.apache.hadoop.fs.Path(
                new org.apache.hadoop.fs.Path(path), java.net.URI.create(f.path()).getPath());
        p.getFileSystem(conf).delete(p, false);
      } catch (IOException | RuntimeException e) {
        // Unreferenced by the log, so invisible to readers; VACUUM removes it.
      }
    }
  }

  private static String jsonString(String value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * delta-standalone writes operation parameter values verbatim as JSON, so each tag goes in as a
   * JSON string literal; the log then holds the plain string, as Spark writes it.
   */
  private static Map<String, String> jsonStrings(Map<String, String> tags) {
    Map<String, String> encoded = new LinkedHashMap<>();
    tags.forEach((k, v) -> encoded.put(k, jsonString(Objects.requireNonNull(v, k))));
    return encoded;
  }

  private static Operation.Name operationName(String operation) {
    if (WRITE.equals(operation)) {
      return Operation.Name.WRITE;
    }
    if (STREAMING_UPDATE.equals(operation)) {
      return Operation.Name.STREAMING_UPDATE;
    }
    throw new IllegalArgumentException(
        "operation must be \"" + WRITE + "\" or \"" + STREAMING_UPDATE + "\", got " + operation);
  }

  /** The sum of {@code numRecords} over the stats of the current version's data files. */
  public long numRecords() {
    long total = 0;
    for (AddFile f : snapshot().getAllFiles()) {
      if (f.getStats() == null) {
        throw new DeltaTableException(
            "data file " + f.getPath() + " in " + path + " has no stats, so no record count");
      }
      total +=
          statsRecords(f)
              .orElseThrow(
                  () -> new DeltaTableException("stats of " + f.getPath() + " have no numRecords"));
    }
    return total;
  }

  /**
   * The tags of the newest commit that recorded a transaction for appId, searching back from the
   * latest version while the log still holds the commit files; empty when none is found.
   */
  public Optional<Map<String, String>> lastCommitTags(String appId) {
    return lastCommitTags(appId::equals);
  }

  /** The tags of the newest commit that recorded a transaction for an app id that matches. */
  public Optional<Map<String, String>> lastCommitTags(
      java.util.function.Predicate<String> appIdMatches) {
    long latest = version();
    for (long v = latest; v >= 0; v--) {
      long version = v;
      Optional<List<Action>> actions =
          guarded(
              () -> {
                Iterator<VersionLog> changes = log.getChanges(version, false);
                if (!changes.hasNext()) {
                  return Optional.empty();
                }
                VersionLog first = changes.next();
                return first.getVersion() == version
                    ? Optional.of(first.getActions())
                    : Optional.empty();
              });
      if (actions.isEmpty()) {
        return Optional.empty();
      }
      boolean ours =
          actions.get().stream()
              .anyMatch(a -> a instanceof SetTransaction t && appIdMatches.test(t.getAppId()));
      if (ours) {
        return actions.get().stream()
            .filter(a -> a instanceof CommitInfo)
            .map(a -> Map.copyOf(((CommitInfo) a).getOperationParameters()))
            .findFirst();
      }
    }
    return Optional.empty();
  }

  private Snapshot snapshot() {
    return guarded(
        () -> {
          if (log == null) {
            log = DeltaLog.forTable(conf, path);
            return log.snapshot();
          }
          return log.update();
        });
  }

  /** Runs a delta-standalone call, turning its too-new-protocol error into ours. */
  private <T> T guarded(Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      if (!e.getClass().getSimpleName().equals("InvalidProtocolVersionException")) {
        throw e;
      }
      Matcher m = PROTOCOL_IN_MESSAGE.matcher(String.valueOf(e.getMessage()));
      if (m.find()) {
        throw unsupportedProtocol(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), e);
      }
      throw unsupportedProtocol(-1, -1, e);
    }
  }

  static StructType structType(DeltaTableSchema schema) {
    StructField[] fields = new StructField[schema.columns().size()];
    for (int i = 0; i < fields.length; i++) {
      DeltaColumn c = schema.columns().get(i);
      fields[i] = new StructField(c.name(), dataType(c.type()), c.nullable());
    }
    return new StructType(fields);
  }

  static DataType dataType(DeltaType type) {
    if (type instanceof DeltaType.Decimal d) {
      return new DecimalType(d.precision(), d.scale());
    }
    if (type instanceof DeltaType.Array a) {
      // DynamoDB lists may hold NULL, and the Parquet files allow null elements.
      return new ArrayType(dataType(a.element()), true);
    }
    if (type instanceof DeltaType.MapType m) {
      return new MapType(dataType(m.key()), dataType(m.value()), true);
    }
    switch (((DeltaType.Primitive) type).kind()) {
      case STRING:
        return new StringType();
      case LONG:
        return new LongType();
      case INT:
        return new IntegerType();
      case DOUBLE:
        return new DoubleType();
      case BOOLEAN:
        return new BooleanType();
      case BINARY:
        return new BinaryType();
      case DATE:
        return new DateType();
      case TIMESTAMP:
        return new TimestampType();
      default:
        throw new IllegalArgumentException("no Delta type for " + type.sql());
    }
  }

  /** The inverse of {@link #dataType}. */
  static DeltaType deltaType(DataType type) {
    if (type instanceof DecimalType d) {
      return new DeltaType.Decimal(d.getPrecision(), d.getScale());
    }
    if (type instanceof ArrayType a) {
      return new DeltaType.Array(deltaType(a.getElementType()));
    }
    if (type instanceof MapType m) {
      return new DeltaType.MapType(deltaType(m.getKeyType()), deltaType(m.getValueType()));
    }
    if (type instanceof StringType) {
      return DeltaType.STRING;
    }
    if (type instanceof LongType) {
      return DeltaType.LONG;
    }
    if (type instanceof IntegerType) {
      return DeltaType.INT;
    }
    if (type instanceof DoubleType) {
      return DeltaType.DOUBLE;
    }
    if (type instanceof BooleanType) {
      return DeltaType.BOOLEAN;
    }
    if (type instanceof BinaryType) {
      return DeltaType.BINARY;
    }
    if (type instanceof DateType) {
      return DeltaType.DATE;
    }
    if (type instanceof TimestampType) {
      return DeltaType.TIMESTAMP;
    }
    throw new DeltaTableException("ddb2delta does not write columns of type " + sql(type));
  }

  private static List<String> schemaDifferences(
      Metadata table, DeltaTableSchema expected, boolean allowAdded) {
    List<String> problems = new ArrayList<>();
    StructType actual = table.getSchema();
    for (DeltaColumn c : expected.columns()) {
      StructField f = actual.length() == 0 ? null : findField(actual, c.name());
      if (f == null) {
        problems.add("column \"" + c.name() + "\" (" + c.type().sql() + ") is missing");
        continue;
      }
      DataType want = dataType(c.type());
      if (!f.getDataType().equals(want)) {
        problems.add(
            "column \""
                + c.name()
                + "\" is "
                + sql(f.getDataType())
                + " in the table but "
                + sql(want)
                + " in the mapping");
      } else if (!f.isNullable() && c.nullable()) {
        problems.add(
            "column \"" + c.name() + "\" is NOT NULL in the table but nullable in the mapping");
      }
    }
    for (StructField f : actual.getFields()) {
      if (expected.indexOf(f.getName()) < 0 && !(allowAdded && f.isNullable())) {
        problems.add("the table has column \"" + f.getName() + "\" that the mapping lacks");
      }
    }
    if (!table.getPartitionColumns().equals(expected.partitionColumns())) {
      problems.add(
          "the table is partitioned by "
              + table.getPartitionColumns()
              + " but the mapping by "
              + expected.partitionColumns());
    }
    return problems;
  }

  /** The SQL spelling, with a decimal's precision and scale, which getSimpleString leaves out. */
  private static String sql(DataType type) {
    if (type instanceof DecimalType d) {
      return "decimal(" + d.getPrecision() + "," + d.getScale() + ")";
    }
    if (type instanceof ArrayType a) {
      return "array<" + sql(a.getElementType()) + ">";
    }
    if (type instanceof MapType m) {
      return "map<" + sql(m.getKeyType()) + "," + sql(m.getValueType()) + ">";
    }
    return type.getSimpleString();
  }

  private static StructField findField(StructType struct, String name) {
    for (StructField f : struct.getFields()) {
      if (f.getName().equals(name)) {
        return f;
      }
    }
    return null;
  }

  private static String projectVersion() {
    try (InputStream in = DeltaTable.class.getResourceAsStream("ddb2delta.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
