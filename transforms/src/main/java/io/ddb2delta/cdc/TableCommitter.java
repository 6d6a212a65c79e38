package io.ddb2delta.cdc;

import io.ddb2delta.delta.CommitResult;
import io.ddb2delta.delta.DataFile;
import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.delta.DeltaTableSchema;
import io.ddb2delta.tables.BronzeTable;
import io.ddb2delta.tables.DeltaTargets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * The one committer of a stream set: commits the writers' {@link Committable}s to bronze, silver
 * and quarantine, each table once per round, exactly once per writer batch.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>each writer's batch commits under {@code SetTransaction(<appId>#<writer>, batch)}; a batch
 *       that a table already holds at or above its version is left out of that table's commit (a
 *       retried bundle, a recovery), so nothing is committed twice;
 *   <li>the committables of one call share one commit per table; a writer's later batches in the
 *       same call go in later commits, in batch order;
 *   <li>tables commit in {@link DeltaTargets#schemas()} order, bronze last, and bronze commits
 *       every batch, even one without rows, with every live shard's committed position and newest
 *       arrival in its tags: the table says where each stream resumes;
 *   <li>the columns that a round's committables propose for an evolving silver table ({@link
 *       Committable#newColumns}) and the table lacks are added to its schema in the commit of their
 *       files, in writer order and then the order each batch met them; the first type proposed for
 *       a name wins.
 * </ul>
 *
 * <p>It reads its state back from bronze whenever bronze holds a commit it did not make, so it may
 * be re-created at any time. Not thread-safe; run one per stream set.
 */
public final class TableCommitter {
  /** Commit tag holding the {@link ShardPositions} JSON of every shard committed so far. */
  public static final String POSITIONS_TAG = "ddb2delta.positions";

  /** Commit tag naming the writer batches the commit holds, as {@code writer:batch,...}. */
  public static final String BATCHES_TAG = "ddb2delta.batches";

  /**
   * Commit tag holding, per shard, the newest arrival time (epoch ms, as a decimal string) among
   * committed records: where a source that cannot resume at a sequence number (KinesisIO) resumes
   * by timestamp.
   */
  public static final String ARRIVALS_TAG = "ddb2delta.arrivals";

  private final ChangeWriters writers;
  private final ShardPositions retired;
  private final Map<String, DeltaTable> tables = new LinkedHashMap<>();
  private final DeltaTable bronze;

  private long bronzeVersionSeen = Long.MIN_VALUE;
  private ShardPositions positions = ShardPositions.empty();
  private ShardPositions arrivals = ShardPositions.empty();

  public TableCommitter(DeltaTargets targets, ChangeWriters writers) {
    this(targets, writers, ShardPositions.empty());
  }

  /**
   * A committer whose commits leave out the {@code retired} shards (those the source no longer
   * serves, or that are closed and fully committed), unless one of them has advanced since: the
   * tags then hold only the shards a restart can still need.
   */
  public TableCommitter(DeltaTargets targets, ChangeWriters writers, ShardPositions retired) {
    this.writers = Objects.requireNonNull(writers, "writers");
    this.retired = Objects.requireNonNull(retired, "retired");
    for (Map.Entry<String, DeltaTableSchema> t : targets.schemas().entrySet()) {
      DeltaTable table = DeltaTable.forPath(targets.pathOf(t.getKey()));
      // An evolving silver table may already hold the columns earlier commits added.
      table.createIfAbsent(
          t.getKey(), t.getValue(), Map.of(), targets.evolvingMappingOf(t.getKey()).isPresent());
      tables.put(t.getKey(), table);
    }
    this.bronze = tables.get(BronzeTable.NAME);
  }

  /** Every shard position committed to bronze for this stream set; empty for a new one. */
  public ShardPositions committedPositions() {
    sync();
    return positions;
  }

  /** Per shard, the newest committed arrival time in epoch ms; empty for a new stream set. */
  public ShardPositions committedArrivals() {
    sync();
    return arrivals;
  }

  /**
   * The writer count bronze was written with for this app id, or 0 before its first commit; a run
   * with another count would send shards to writers that do not remember them.
   */
  public int committedWriterCount() {
    String prefix = writers.appId() + "#";
    return bronze
        .lastCommitTags(id -> id.startsWith(prefix))
        .map(t -> t.get(ChangeWriters.WRITERS_TAG))
        .map(Integer::parseInt)
        .orElse(0);
  }

  /** Commits the committables; the report sums what they did. */
  public CommitReport commit(Collection<Committable> committables) {
    sync();
    long now = System.currentTimeMillis();
    if (committables.isEmpty()) {
      return new CommitReport(-1, 0, 0, 0, 0, 0, Map.of(), 0, now, positions, List.of(), List.of());
    }
    // Round r holds each writer's r-th batch, so a writer's batches commit in order.
    Map<Integer, List<Committable>> byWriter = new TreeMap<>();
    for (Committable c : committables) {
      byWriter.computeIfAbsent(c.writer(), w -> new ArrayList<>()).add(c);
    }
    List<List<Committable>> rounds = new ArrayList<>();
    for (List<Committable> batches : byWriter.values()) {
      batches.sort(Comparator.comparingLong(Committable::batch));
      for (int r = 0; r < batches.size(); r++) {
        if (rounds.size() <= r) {
          rounds.add(new ArrayList<>());
        }
        rounds.get(r).add(batches.get(r));
      }
    }
    List<CommitReport.TableCommit> tableCommits = new ArrayList<>();
    for (List<Committable> round : rounds) {
      commitRound(round, tableCommits);
    }
    long messages = 0;
    long duplicates = 0;
    long replays = 0;
    long quarantined = 0;
    long beforeExport = 0;
    long minArrival = Long.MAX_VALUE;
    long batch = -1;
    Map<String, Long> rows = new LinkedHashMap<>();
    for (Committable c : committables) {
      messages += c.messages();
      duplicates += c.duplicates();
      replays += c.replays();
      quarantined += c.quarantined();
      beforeExport += c.beforeExport();
      minArrival = Math.min(minArrival, c.minArrivalMillis());
      batch = Math.max(batch, c.batch());
      c.rowsByTable().forEach((t, n) -> rows.merge(t, n, Long::sum));
    }
    return new CommitReport(
        batch,
        messages,
        duplicates,
        replays,
        quarantined,
        beforeExport,
        rows,
        minArrival,
        System.currentTimeMillis(),
        positions,
        tableCommits,
        committables.stream().map(Committable::eventTimes).toList());
  }

  private void commitRound(List<Committable> round, List<CommitReport.TableCommit> made) {
    ShardPositions nextPositions = positions;
    ShardPositions nextArrivals = arrivals;
    StringJoiner batches = new StringJoiner(",");
    for (Committable c : round) {
      nextPositions = nextPositions.merge(c.positions());
      nextArrivals = nextArrivals.merge(c.arrivals());
      batches.add(c.writer() + ":" + c.batch());
    }
    if (!retired.isEmpty()) {
      nextPositions = nextPositions.without(retired);
      nextArrivals = nextArrivals.onlyShardsOf(nextPositions);
    }
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(POSITIONS_TAG, nextPositions.toJson());
    tags.put(ARRIVALS_TAG, nextArrivals.toJson());
    tags.put(BATCHES_TAG, batches.toString());
    tags.put(ChangeWriters.WRITERS_TAG, Integer.toString(writers.count()));
    for (Map.Entry<String, DeltaTable> t : tables.entrySet()) {
      boolean progressMarker = t.getValue() == bronze;
      List<DeltaTable.TxnFiles> parts = new ArrayList<>();
      List<DeltaColumn> newColumns = new ArrayList<>();
      for (Committable c : round) {
        List<DataFile> files = c.files().getOrDefault(t.getKey(), List.of());
        if (!files.isEmpty() || progressMarker) {
          parts.add(new DeltaTable.TxnFiles(writers.txnAppId(c.writer()), c.batch(), files));
        }
        newColumns.addAll(c.newColumns().getOrDefault(t.getKey(), List.of()));
      }
      if (!parts.isEmpty()) {
        long started = System.currentTimeMillis();
        CommitResult r = t.getValue().commit(parts, DeltaTable.STREAMING_UPDATE, tags, newColumns);
        long at = System.currentTimeMillis();
        if (r.committed()) {
          made.add(
              new CommitReport.TableCommit(
                  t.getKey(), r.tableVersion(), r.recordsAdded(), at, at - started));
        }
      }
    }
    positions = nextPositions;
    arrivals = nextArrivals;
    bronzeVersionSeen = bronze.version();
  }

  /** Reloads the positions when bronze holds commits this instance did not make. */
  private void sync() {
    long version = bronze.version();
    if (version == bronzeVersionSeen) {
      return;
    }
    Map<String, String> tags =
        bronze.lastCommitTags(writers.txnAppIds()::contains).orElse(Map.of());
    positions = tagOrEmpty(tags, POSITIONS_TAG);
    arrivals = tagOrEmpty(tags, ARRIVALS_TAG);
    bronzeVersionSeen = version;
  }

  static ShardPositions tagOrEmpty(Map<String, String> tags, String tag) {
    String json = tags.get(tag);
    return json == null ? ShardPositions.empty() : ShardPositions.fromJson(json);
  }
}
