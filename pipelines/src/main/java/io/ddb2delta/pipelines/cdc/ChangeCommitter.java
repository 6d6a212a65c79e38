package io.ddb2delta.pipelines.cdc;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.delta.CommitResult;
import io.ddb2delta.delta.DataFile;
import io.ddb2delta.delta.DeltaFileWriter;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.delta.DeltaTableSchema;
import io.ddb2delta.pipelines.DeltaTargets;
import io.ddb2delta.tables.BronzeTable;
import io.ddb2delta.tables.ChangeRows;
import io.ddb2delta.tables.QuarantineTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Turns batches of change messages into exactly-once Delta commits: decode, type, write Parquet for
 * bronze, silver and quarantine, then commit each table with the transaction {@code (appId,
 * batch)}.
 *
 * <p>Guarantees, for one committer per appId at a time:
 *
 * <ul>
 *   <li>every message ends in bronze or quarantine (and every bronze row in silver or quarantine),
 *       unless it is a duplicate or a replay of one already committed to that table;
 *   <li>a message whose identity (its event id, or its position when it has none) was handled by a
 *       batch that a table has committed is not written to that table again, within the dedup
 *       horizon; this holds across restarts and for messages that arrive out of order;
 *   <li>a message not handled within the horizon is taken for a replay, and skipped, only when it
 *       sits at or before the shard position that was committed before the horizon ({@link
 *       HandledIds#floor}); the test never uses source times, so a catch-up of old records that
 *       reach the committer out of order loses none;
 *   <li>tables commit in {@link DeltaTargets#schemas()} order, bronze last; bronze commits every
 *       batch, with the shard positions in its commit tags, so the table says where to resume.
 * </ul>
 *
 * <p>The committer re-reads its state from the tables whenever they hold a batch it did not commit
 * itself (another instance, or a previous run), so it may be re-created at any time. Not
 * thread-safe.
 */
public final class ChangeCommitter {
  /** Commit tag holding the {@link ShardPositions} JSON. */
  public static final String POSITIONS_TAG = "ddb2delta.positions";

  public static final String BATCH_TAG = "ddb2delta.batch";

  /**
   * Commit tag holding, per shard, the newest arrival time (epoch ms, as a decimal string) among
   * committed records: where a source that cannot resume at a sequence number (KinesisIO) resumes
   * by timestamp.
   */
  public static final String ARRIVALS_TAG = "ddb2delta.arrivals";

  static final String UNKNOWN_TABLE = "unknown";

  private final DeltaTargets targets;
  private final String appId;
  private final long targetFileBytes;
  private final KinesisRecordDecoder decoder;
  private final ChangeRows changeRows;
  private final Map<String, DeltaTable> tables = new LinkedHashMap<>();
  private final HandledIds handled;
  private final Map<String, Long> exportTimeMicrosByTable;

  private long lastBatch = Long.MIN_VALUE;
  private final Map<String, Long> committedByTable = new HashMap<>();
  private ShardPositions positions = ShardPositions.empty();
  private ShardPositions arrivals = ShardPositions.empty();

  public ChangeCommitter(
      DeltaTargets targets, String appId, long horizonMillis, long targetFileBytes) {
    this(targets, appId, horizonMillis, targetFileBytes, Map.of());
  }

  /**
   * @param exportTimeMicrosByTable the export time of each table loaded by an export in the same
   *     run; a change at or before it is counted in {@link CommitReport#beforeExport()}
   */
  public ChangeCommitter(
      DeltaTargets targets,
      String appId,
      long horizonMillis,
      long targetFileBytes,
      Map<String, Long> exportTimeMicrosByTable) {
    this.exportTimeMicrosByTable = Map.copyOf(exportTimeMicrosByTable);
    this.targets = Objects.requireNonNull(targets, "targets");
    this.appId = Objects.requireNonNull(appId, "appId");
    this.targetFileBytes = targetFileBytes;
    this.decoder = KinesisRecordDecoder.forTables(targets.keysByTable());
    this.changeRows = ChangeRows.forTables(targets.mappings());
    for (Map.Entry<String, DeltaTableSchema> t : targets.schemas().entrySet()) {
      DeltaTable table = DeltaTable.forPath(targets.pathOf(t.getKey()));
      table.createIfAbsent(t.getKey(), t.getValue(), Map.of());
      tables.put(t.getKey(), table);
    }
    this.handled = new HandledIds(stateDir(targets, appId), horizonMillis);
  }

  /** Where a job's handled ids live: beside its tables, in a folder Delta ignores. */
  public static String stateDir(DeltaTargets targets, String appId) {
    return targets.pathOf("_ddb2delta/" + appId.replaceAll("[^A-Za-z0-9._-]", "_"));
  }

  /** The shard positions committed to bronze for this appId, empty for a new job. */
  public ShardPositions committedPositions() {
    syncWithTables(System.currentTimeMillis());
    return positions;
  }

  /** Per shard, the newest committed arrival time in epoch ms; empty for a new job. */
  public ShardPositions committedArrivals() {
    syncWithTables(System.currentTimeMillis());
    return arrivals;
  }

  /** Writes and commits one batch; an empty collection commits nothing. */
  public CommitReport commit(Collection<ChangeMessage> messages) {
    long now = System.currentTimeMillis();
    syncWithTables(now);
    long batch = lastBatch + 1;
    if (messages.isEmpty()) {
      return new CommitReport(lastBatch, 0, 0, 0, 0, 0, Map.of(), 0, now, positions);
    }
    List<ChangeMessage> ordered = new ArrayList<>(messages);
    ordered.sort(ORDER);
    long processingMicros = now * 1000L;

    Map<String, DeltaFileWriter> writers = new LinkedHashMap<>();
    Map<String, Long> rows = new LinkedHashMap<>();
    Set<String> seenInBatch = new HashSet<>();
    List<String> handledNow = new ArrayList<>();
    ShardPositions next = positions;
    ShardPositions nextArrivals = arrivals;
    long duplicates = 0;
    long replays = 0;
    long quarantined = 0;
    long beforeExport = 0;
    long minArrival = Long.MAX_VALUE;
    String prefix = "part-b" + batch + "-" + UUID.randomUUID();
    ShardPositions floor = handled.floor(positions);
    try {
      for (ChangeMessage m : ordered) {
        minArrival = Math.min(minArrival, m.arrivalMillis());
        next = next.with(m);
        nextArrivals =
            nextArrivals.with(m.stream(), m.shard(), Long.toString(Math.max(0, m.arrivalMillis())));
        Outcome outcome = decode(m, processingMicros);
        if (!seenInBatch.add(outcome.identity)) {
          duplicates++;
          continue;
        }
        Long handledBy = handled.batchOf(outcome.identity);
        if (handledBy == null && floor.covers(m)) {
          replays++;
          continue;
        }
        boolean wroteAny = false;
        for (Map.Entry<String, Object[]> row : outcome.rows.entrySet()) {
          String table = row.getKey();
          if (handledBy != null && handledBy <= committedByTable.getOrDefault(table, -1L)) {
            continue;
          }
          writer(writers, table, prefix).write(row.getValue());
          rows.merge(table, 1L, Long::sum);
          wroteAny = true;
          if (table.equals(QuarantineTable.NAME)) {
            quarantined++;
          }
        }
        if (wroteAny) {
          handledNow.add(outcome.identity);
          if (outcome.change != null
              && outcome.change.eventTimeMicros()
                  <= exportTimeMicrosByTable.getOrDefault(
                      outcome.change.tableName(), Long.MIN_VALUE)) {
            beforeExport++;
          }
        } else {
          duplicates++;
        }
      }
      Map<String, List<DataFile>> files = new LinkedHashMap<>();
      for (Map.Entry<String, DeltaFileWriter> w : writers.entrySet()) {
        files.put(w.getKey(), w.getValue().finish());
      }
      handled.record(batch, now, positions, handledNow);
      Map<String, String> tags = new LinkedHashMap<>();
      tags.put(POSITIONS_TAG, next.toJson());
      tags.put(ARRIVALS_TAG, nextArrivals.toJson());
      tags.put(BATCH_TAG, Long.toString(batch));
      for (Map.Entry<String, DeltaTable> t : tables.entrySet()) {
        List<DataFile> tableFiles = files.getOrDefault(t.getKey(), List.of());
        boolean progressMarker = t.getKey().equals(BronzeTable.NAME);
        if (tableFiles.isEmpty() && !progressMarker) {
          continue;
        }
        CommitResult r =
            t.getValue().commit(appId, batch, tableFiles, DeltaTable.STREAMING_UPDATE, tags);
        if (!r.committed()) {
          throw new IllegalStateException(
              "batch "
                  + batch
                  + " of "
                  + appId
                  + " is already in "
                  + t.getKey()
                  + ": another writer is committing to these tables");
        }
        committedByTable.put(t.getKey(), batch);
      }
    } finally {
      for (DeltaFileWriter w : writers.values()) {
        w.close();
      }
    }
    lastBatch = batch;
    positions = next;
    arrivals = nextArrivals;
    return new CommitReport(
        batch,
        messages.size(),
        duplicates,
        replays,
        quarantined,
        beforeExport,
        rows,
        minArrival,
        System.currentTimeMillis(),
        next);
  }

  /** Reloads state when the tables hold batches this instance did not commit. */
  private void syncWithTables(long now) {
    long newest = -1;
    Map<String, Long> byTable = new HashMap<>();
    for (Map.Entry<String, DeltaTable> t : tables.entrySet()) {
      long v = t.getValue().txnVersion(appId);
      byTable.put(t.getKey(), v);
      newest = Math.max(newest, v);
    }
    if (newest == lastBatch && byTable.equals(committedByTable)) {
      return;
    }
    committedByTable.clear();
    committedByTable.putAll(byTable);
    lastBatch = newest;
    Map<String, String> tags = tables.get(BronzeTable.NAME).lastCommitTags(appId).orElse(Map.of());
    positions = tagOrEmpty(tags, POSITIONS_TAG);
    arrivals = tagOrEmpty(tags, ARRIVALS_TAG);
    handled.load(newest, now);
  }

  private static ShardPositions tagOrEmpty(Map<String, String> tags, String tag) {
    String json = tags.get(tag);
    return json == null ? ShardPositions.empty() : ShardPositions.fromJson(json);
  }

  /** A decoded message: its identity and the row it gives each table. */
  private record Outcome(
      String identity, @Nullable ChangeRecord change, Map<String, Object[]> rows) {}

  private Outcome decode(ChangeMessage m, long processingMicros) {
    SourcePosition position = m.position();
    Supplier<String> raw = () -> new String(m.payload(), StandardCharsets.UTF_8);
    ChangeRows.Rows rows;
    if (m.readError() != null) {
      String[] parts = m.readError().split(": ", 2);
      rows =
          ChangeRows.undecodable(
              UNKNOWN_TABLE,
              position,
              raw.get(),
              parts[0],
              parts.length > 1 ? parts[1] : parts[0],
              processingMicros);
    } else {
      rows =
          changeRows.of(
              () -> decoder.decode(m.payload(), position),
              UNKNOWN_TABLE,
              () -> position,
              raw,
              processingMicros);
    }
    String identity =
        rows.change() == null
            ? "position:" + position
            : "event:" + rows.change().record().eventId();
    Map<String, Object[]> byTable = new LinkedHashMap<>(4);
    rows.forEach(byTable::put);
    return new Outcome(identity, rows.change() == null ? null : rows.change().record(), byTable);
  }

  private DeltaFileWriter writer(
      Map<String, DeltaFileWriter> writers, String table, String prefix) {
    return writers.computeIfAbsent(
        table,
        t ->
            new DeltaFileWriter(
                targets.pathOf(t), targets.schemas().get(t), targetFileBytes, prefix));
  }

  /** Per shard, in sequence order, so files hold each key's changes in the order they happened. */
  private static final Comparator<ChangeMessage> ORDER =
      Comparator.comparing(ChangeMessage::stream)
          .thenComparing(ChangeMessage::shard)
          .thenComparing(ChangeMessage::sequenceNumber, ShardPositions::compare);
}
