package io.ddb2delta.cdc;

import io.ddb2delta.change.ChangeRecord;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.delta.DataFile;
import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaFileWriter;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.delta.DeltaTableSchema;
import io.ddb2delta.mapping.SchemaEvolution;
import io.ddb2delta.mapping.SilverMapper;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.tables.BronzeTable;
import io.ddb2delta.tables.ChangeRows;
import io.ddb2delta.tables.DeltaTargets;
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
 * One writer's half of the streaming write: types and deduplicates a batch of its shards' decoded
 * change messages, writes the Parquet files of bronze, silver and quarantine, and returns their
 * {@link Committable}. It commits nothing; {@link TableCommitter} does.
 *
 * <p>Guarantees, for the batches of one writer (one {@code txnAppId}):
 *
 * <ul>
 *   <li>every message gives rows for bronze or quarantine (and every bronze row silver or
 *       quarantine), unless it is a duplicate or a replay of one already handled for that table;
 *   <li>a message whose identity (its event id, or its position when it has none) a committed batch
 *       handled is not written to that table again within the dedup horizon, across restarts and
 *       out-of-order arrival; older than the horizon, a message is taken for a replay only at or
 *       before the shard position committed before the horizon ({@link HandledIds#floor});
 *   <li>a batch's identities are recorded, with a fingerprint of its input, before its committable
 *       is returned; a batch starts only once every earlier batch of this writer is committed or is
 *       known never to arrive (recorded before the run, {@link HandledIds#settle}), so its dedup
 *       memory is exactly what the tables hold; a retried batch (the same input) keeps its number,
 *       so the committer never commits it twice.
 * </ul>
 *
 * <p>Dead letters ({@link DecodeChanges#DEAD_LETTERS}) go to quarantine in the same batch as the
 * decoded changes, so their positions commit with it.
 *
 * <p>For a silver table whose mapping says {@code evolve: true}, a batch types its rows into the
 * columns the table has when the batch starts (read once per batch, after the writer's previous
 * batch is committed, so a column that batch proposed is in use from the next one on). It never
 * adds a column: a new top-level attribute stays in {@code _attributes} and the committable
 * proposes a column for it ({@link Committable#newColumns}), which the committer adds.
 *
 * <p>State lives in the tables and the handled-ids folder, so any instance may write any batch of
 * the writer; it reloads whenever the tables hold a batch it did not write. Not thread-safe.
 */
public final class ChangeFileWriter {
  static final String UNKNOWN_TABLE = "unknown";

  private final DeltaTargets targets;
  private final int writer;
  private final String txnAppId;
  private final Set<String> allTxnAppIds;
  private final long targetFileBytes;
  private final long waitMillis;
  private final KinesisRecordDecoder decoder;
  private final ChangeRows changeRows;
  private final Map<String, DeltaTable> tables = new LinkedHashMap<>();
  private final HandledIds handled;
  private final Map<String, Long> exportTimeMicrosByTable;
  private final List<TableMapping> evolving;
  // Per table, the schema its files are written with; an evolving silver table's grows.
  private final Map<String, DeltaTableSchema> schemas;

  /** The newest batch recorded before this run: never waited for. */
  private final long settled;

  /** The batch whose state this instance holds, or MIN_VALUE before it has loaded any. */
  private long knownBatch = Long.MIN_VALUE;

  private final Map<String, Long> committedByTable = new HashMap<>();
  private ShardPositions positions = ShardPositions.empty();
  private ShardPositions arrivals = ShardPositions.empty();

  /**
   * @param waitMillis how long a batch waits for the committer to commit this writer's previous
   *     batch before it fails
   */
  public ChangeFileWriter(
      DeltaTargets targets,
      ChangeWriters writers,
      int writer,
      long horizonMillis,
      long targetFileBytes,
      long waitMillis,
      Map<String, Long> exportTimeMicrosByTable) {
    this.targets = Objects.requireNonNull(targets, "targets");
    this.writer = writer;
    this.txnAppId = writers.txnAppId(writer);
    this.allTxnAppIds = writers.txnAppIds();
    this.targetFileBytes = targetFileBytes;
    this.waitMillis = waitMillis;
    this.exportTimeMicrosByTable = Map.copyOf(exportTimeMicrosByTable);
    this.decoder = KinesisRecordDecoder.forTables(targets.keysByTable());
    this.changeRows = ChangeRows.forTables(targets.mappings());
    this.evolving = targets.mappings().stream().filter(TableMapping::evolve).toList();
    this.schemas = new HashMap<>(targets.schemas());
    for (String table : targets.schemas().keySet()) {
      tables.put(table, DeltaTable.forPath(targets.pathOf(table)));
    }
    this.handled = new HandledIds(stateDir(targets, txnAppId), horizonMillis);
    // Fixed for the run: settle runs on the driver before any writer exists.
    this.settled = handled.settled();
  }

  /** Where a writer's handled ids live: beside its tables, in a folder Delta ignores. */
  public static String stateDir(DeltaTargets targets, String txnAppId) {
    return targets.pathOf("_ddb2delta/" + txnAppId.replaceAll("[^A-Za-z0-9._-]", "_"));
  }

  /**
   * Marks what the writer recorded before this run as never arriving at the committer and drops the
   * records of batches no table committed; call once per run, before any batch is written.
   */
  public static void settle(DeltaTargets targets, String txnAppId, long horizonMillis) {
    long committed = -1;
    for (String table : targets.schemas().keySet()) {
      DeltaTable t = DeltaTable.forPath(targets.pathOf(table));
      if (t.exists()) {
        committed = Math.max(committed, t.txnVersion(txnAppId));
      }
    }
    new HandledIds(stateDir(targets, txnAppId), horizonMillis).settle(committed);
  }

  /** Decodes each message as {@link DecodeChanges} does, then writes them as one batch. */
  public @Nullable Committable writeMessages(Collection<ChangeMessage> messages) {
    List<DecodedMessage> decoded = new ArrayList<>(messages.size());
    for (ChangeMessage m : messages) {
      decoded.add(DecodedMessage.decode(m, decoder));
    }
    return write(decoded);
  }

  /**
   * Types, deduplicates and writes one batch of decoded messages and dead letters; an empty
   * collection writes nothing.
   */
  public @Nullable Committable write(Collection<DecodedMessage> messages) {
    if (messages.isEmpty()) {
      return null;
    }
    long input = inputFingerprint(messages);
    long batch = prepare(input);
    refreshEvolvedColumns();
    long now = System.currentTimeMillis();
    List<DecodedMessage> ordered = new ArrayList<>(messages);
    ordered.sort(ORDER);
    long processingMicros = now * 1000L;

    Map<String, DeltaFileWriter> writers = new LinkedHashMap<>();
    Map<String, Long> rows = new LinkedHashMap<>();
    Map<String, Map<String, DeltaColumn>> proposed = new LinkedHashMap<>();
    Set<String> seenInBatch = new HashSet<>();
    List<String> handledNow = new ArrayList<>();
    ShardPositions next = positions;
    ShardPositions nextArrivals = arrivals;
    long duplicates = 0;
    long replays = 0;
    long quarantined = 0;
    long beforeExport = 0;
    long arrivalSum = 0;
    long minArrival = Long.MAX_VALUE;
    long maxArrival = Long.MIN_VALUE;
    long readSum = 0;
    long minRead = Long.MAX_VALUE;
    long maxRead = Long.MIN_VALUE;
    long[] eventMillis = new long[ordered.size()];
    int events = 0;
    String prefix = "part-w" + writer + "-b" + batch + "-" + UUID.randomUUID();
    ShardPositions floor = handled.floor(positions);
    try {
      for (DecodedMessage d : ordered) {
        ChangeMessage m = d.message();
        arrivalSum += m.arrivalMillis();
        minArrival = Math.min(minArrival, m.arrivalMillis());
        maxArrival = Math.max(maxArrival, m.arrivalMillis());
        readSum += m.readMillis();
        minRead = Math.min(minRead, m.readMillis());
        maxRead = Math.max(maxRead, m.readMillis());
        next = next.with(m);
        nextArrivals =
            nextArrivals.with(m.stream(), m.shard(), Long.toString(Math.max(0, m.arrivalMillis())));
        Outcome outcome = rows(d, processingMicros);
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
          if (!evolving.isEmpty() && outcome.change != null) {
            propose(outcome.change, table, proposed);
          }
          wroteAny = true;
          if (table.equals(QuarantineTable.NAME)) {
            quarantined++;
          }
        }
        if (wroteAny) {
          handledNow.add(outcome.identity);
          if (outcome.change != null) {
            eventMillis[events++] = outcome.change.eventTimeMicros() / 1000;
          }
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
      handled.record(batch, now, positions, handledNow, input);
      knownBatch = batch;
      positions = next;
      arrivals = nextArrivals;
      return new Committable(
          writer,
          batch,
          files,
          next,
          nextArrivals,
          messages.size(),
          duplicates,
          replays,
          quarantined,
          beforeExport,
          rows,
          arrivalSum,
          minArrival,
          maxArrival,
          readSum,
          minRead,
          maxRead,
          EventTimes.of(eventMillis, events),
          newColumns(proposed));
    } finally {
      for (DeltaFileWriter w : writers.values()) {
        w.close();
      }
    }
  }

  /**
   * Brings each evolving silver table's columns up to the table: its rows are typed into them, and
   * its files written with them, for the whole batch.
   */
  private void refreshEvolvedColumns() {
    for (TableMapping m : evolving) {
      List<DeltaColumn> evolved =
          SchemaEvolution.evolvedColumns(m.silverSchema(), tables.get(m.silverTable()).columns());
      changeRows.evolve(m.table(), evolved);
      schemas.put(m.silverTable(), changeRows.mapper(m.table()).schema());
    }
  }

  /**
   * Adds the columns a silver row of {@code table} proposes; the first type met for a name wins.
   */
  private void propose(
      ChangeRecord change, String table, Map<String, Map<String, DeltaColumn>> proposed) {
    SilverMapper mapper = changeRows.mapper(change.tableName());
    if (mapper == null || !mapper.mapping().silverTable().equals(table)) {
      return;
    }
    mapper.proposeColumns(
        change.currentOrLastImage(),
        (name, type) ->
            proposed
                .computeIfAbsent(table, t -> new LinkedHashMap<>())
                .putIfAbsent(name, DeltaColumn.of(name, type)));
  }

  private static Map<String, List<DeltaColumn>> newColumns(
      Map<String, Map<String, DeltaColumn>> proposed) {
    Map<String, List<DeltaColumn>> out = new LinkedHashMap<>();
    proposed.forEach((table, columns) -> out.put(table, List.copyOf(columns.values())));
    return out;
  }

  /**
   * Waits until this writer's previous batch is committed, brings the state up to the tables, and
   * returns the number of the batch to write: a retried batch keeps its number.
   */
  private long prepare(long input) {
    long deadline = System.currentTimeMillis() + waitMillis;
    DeltaTable bronze = tables.get(BronzeTable.NAME);
    long retry = Long.MIN_VALUE;
    long bronzeVersion;
    while (true) {
      bronzeVersion = bronze.txnVersion(txnAppId);
      long newest = handled.newestBatch();
      if (newest <= bronzeVersion || newest <= settled) {
        break;
      }
      if (handled.inputFingerprintOf(newest) == input) {
        retry = newest;
        break;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(
            "batch "
                + newest
                + " of writer "
                + txnAppId
                + " was written "
                + waitMillis / 1000
                + " s ago and is still not committed to "
                + BronzeTable.NAME
                + ": the committer is stuck or failing");
      }
      sleep();
    }
    long newest = bronzeVersion;
    Map<String, Long> byTable = new HashMap<>();
    for (Map.Entry<String, DeltaTable> t : tables.entrySet()) {
      long v = t.getValue() == bronze ? bronzeVersion : t.getValue().txnVersion(txnAppId);
      byTable.put(t.getKey(), v);
      newest = Math.max(newest, v);
    }
    boolean current = knownBatch != Long.MIN_VALUE && byTable.get(BronzeTable.NAME) == knownBatch;
    committedByTable.clear();
    committedByTable.putAll(byTable);
    if (!current) {
      long now = System.currentTimeMillis();
      knownBatch = newest;
      Map<String, String> tags = bronze.lastCommitTags(allTxnAppIds::contains).orElse(Map.of());
      positions = TableCommitter.tagOrEmpty(tags, TableCommitter.POSITIONS_TAG);
      arrivals = TableCommitter.tagOrEmpty(tags, TableCommitter.ARRIVALS_TAG);
      handled.load(newest, now);
    }
    return retry != Long.MIN_VALUE ? retry : Math.max(newest, knownBatch) + 1;
  }

  private static void sleep() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the committer", e);
    }
  }

  /** The same for the same messages in any order: tells a retried batch from a new one. */
  static long inputFingerprint(Collection<DecodedMessage> messages) {
    long sum = 0;
    long xor = 0;
    for (DecodedMessage d : messages) {
      ChangeMessage m = d.message();
      long h = mix(m.stream().hashCode() * 31L + m.shard().hashCode());
      h = mix(h ^ m.sequenceNumber().hashCode());
      sum += h;
      xor ^= Long.rotateLeft(h, 17);
    }
    return mix(sum ^ mix(xor) ^ messages.size());
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  /** A decoded message: its identity and the row it gives each table. */
  private record Outcome(
      String identity, @Nullable ChangeRecord change, Map<String, Object[]> rows) {}

  private Outcome rows(DecodedMessage d, long processingMicros) {
    ChangeMessage m = d.message();
    SourcePosition position = m.position();
    Supplier<String> raw = () -> new String(m.payload(), StandardCharsets.UTF_8);
    ChangeRows.Rows rows;
    if (d.isDeadLetter()) {
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
      rows = changeRows.of(d.change(), () -> position, raw, processingMicros);
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
        t -> new DeltaFileWriter(targets.pathOf(t), schemas.get(t), targetFileBytes, prefix));
  }

  /** Per shard, in sequence order, so files hold each key's changes in the order they happened. */
  private static final Comparator<DecodedMessage> ORDER =
      Comparator.comparing((DecodedMessage d) -> d.message().stream())
          .thenComparing(d -> d.message().shard())
          .thenComparing(d -> d.message().sequenceNumber(), ShardPositions::compare);
}
