package io.ddb2delta.cdc.streams;

import io.ddb2delta.cdc.ChangeMessage;
import io.ddb2delta.cdc.KinesisRecordEncoder;
import io.ddb2delta.cdc.StreamsRecordDecoder;
import io.ddb2delta.cdc.TimePrecision;
import io.ddb2delta.cdc.streams.ShardLineage.ShardLink;
import io.ddb2delta.change.DecodeException;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.SourceKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Reads every shard of one DynamoDB stream, round-robin, in this one reader.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>A shard is polled only when {@link ShardLineage#readable} allows it: its parent was read to
 *       its end and every record of it emitted, or its parent is not listed. So one item's changes
 *       come out in the order DynamoDB wrote them, across splits and rollovers. To keep that also
 *       across a checkpoint, a shard is polled only when nothing is buffered: the buffer holds at
 *       most one GetRecords page, of one shard.
 *   <li>The checkpoint holds the last <em>emitted</em> sequence number per shard, so a resumed
 *       reader neither re-emits nor skips a record (except that a shard with nothing emitted yet
 *       resumes from TRIM_HORIZON).
 *   <li>All polling happens in {@link #advance()}, on the caller's thread: there are no background
 *       threads, and {@code advance()} never sleeps. An idle shard is polled after {@code
 *       pollInterval}, doubling up to 8 times that (see {@link ShardState}).
 *   <li>A record whose payload cannot be built is emitted with {@link ChangeMessage#readError()}
 *       set and the SDK's text of the record as payload, never dropped.
 *   <li>Trimmed records (a gap) fail the read with a message saying what to do; an expired iterator
 *       is re-acquired after the last record read, with no gap.
 * </ul>
 *
 * <p>The stream is described again every {@value #DESCRIBE_EVERY_MILLIS} ms and whenever a shard is
 * read to its end, to follow rollovers and splits.
 */
final class StreamsReader extends UnboundedSource.UnboundedReader<ChangeMessage> {
  private static final Logger LOG = LoggerFactory.getLogger(StreamsReader.class);
  private static final java.time.format.DateTimeFormatter SECONDS =
      java.time.format.DateTimeFormatter.ISO_INSTANT;

  static final long DESCRIBE_EVERY_MILLIS = 10_000;
  static final int GET_RECORDS_LIMIT = 1000;
  private static final String UNKNOWN_SEQUENCE = "unknown";

  /** A record fetched but not yet emitted. */
  private record Buffered(ChangeMessage message, long createdMillis) {}

  private final StreamsSource source;
  private final DynamoDbStreamsClient client;
  private final LongSupplier clock;
  private final @Nullable StreamsCheckpoint checkpoint;
  private final String tableName;
  private final String fallbackRegion;
  private final long pollIntervalMillis;
  private final long idleDelayMillis;
  private final boolean acrossTrimmedGaps;
  private final StreamsRecordDecoder decoder = StreamsRecordDecoder.forAnyTable(Map.of());
  private final Map<String, KinesisRecordEncoder> encoders = new HashMap<>();

  private final Map<String, String> initialPositions = new HashMap<>();

  /** The shards given a position at start; their descendants are read from TRIM_HORIZON. */
  private final Set<String> resumedShards = new HashSet<>();

  private final Map<String, ShardState> shards = new HashMap<>();
  private final Set<String> finished = new HashSet<>();
  private final ArrayDeque<Buffered> buffer = new ArrayDeque<>();
  private @Nullable String streamArn;
  private List<ShardLink> lineage = List.of();
  private @Nullable Set<String> openAtStart;
  private long nextDescribeMillis = Long.MIN_VALUE;
  private @Nullable String pendingFinish;
  private @Nullable Buffered current;
  private long watermarkMillis = Long.MIN_VALUE;
  private int nextShardIndex;

  StreamsReader(
      StreamsSource source,
      DynamoDbStreamsClient client,
      @Nullable StreamsCheckpoint checkpoint,
      String fallbackRegion,
      LongSupplier clock) {
    this.source = source;
    this.client = client;
    this.checkpoint = checkpoint;
    this.fallbackRegion = fallbackRegion;
    this.clock = clock;
    DynamoDbStreamsIO.Read spec = source.spec();
    this.tableName = spec.tableName();
    this.pollIntervalMillis = spec.pollInterval().getMillis();
    this.idleDelayMillis = spec.idleWatermarkDelay().getMillis();
    this.acrossTrimmedGaps = spec.acrossTrimmedGaps();
  }

  @Override
  public boolean start() throws IOException {
    if (checkpoint != null) {
      streamArn = checkpoint.streamArn();
      initialPositions.putAll(checkpoint.positions());
      finished.addAll(checkpoint.finished());
      LOG.info("Resuming DynamoDB stream {} from {}", streamArn, checkpoint);
    } else {
      try {
        streamArn = ShardLineage.latestStreamArn(client, tableName);
      } catch (ShardLineage.NoStreamException e) {
        throw new IOException(e.getMessage(), e);
      }
      initialPositions.putAll(source.spec().startPositions());
      LOG.info("Reading DynamoDB stream {} of table {}", streamArn, tableName);
    }
    describe(clock.getAsLong());
    openAtStart = new HashSet<>();
    lineage.forEach(s -> openAtStart.add(s.shardId()));
    resumedShards.addAll(initialPositions.keySet());
    // A shard resumed from a position follows its ancestors, which were therefore read already.
    for (String shardId : initialPositions.keySet()) {
      finished.addAll(ShardLineage.ancestors(lineage, shardId));
    }
    return advance();
  }

  @Override
  public boolean advance() throws IOException {
    Buffered next = buffer.poll();
    if (next != null) {
      emit(next);
      return true;
    }
    if (pendingFinish != null) {
      finish(pendingFinish);
      pendingFinish = null;
    }
    long now = clock.getAsLong();
    // A shard read to its end makes its children readable: look again, a few rounds at most.
    for (int round = 0; round < 3; round++) {
      if (now >= nextDescribeMillis) {
        describe(now);
      }
      int finishedBefore = finished.size();
      List<String> readable = ShardLineage.readable(lineage, finished);
      int n = readable.size();
      int first = n == 0 ? 0 : nextShardIndex % n;
      for (int i = 0; i < n; i++) {
        String shardId = readable.get((first + i) % n);
        if (finished.contains(shardId)) {
          continue;
        }
        ShardState shard = state(shardId);
        if (!shard.due(now)) {
          continue;
        }
        nextShardIndex = first + i + 1;
        poll(shard, now);
        next = buffer.poll();
        if (next != null) {
          emit(next);
          return true;
        }
      }
      if (finished.size() == finishedBefore) {
        break;
      }
    }
    updateWatermark(now);
    return false;
  }

  private void emit(Buffered next) {
    current = next;
    ChangeMessage m = next.message();
    ShardState shard = shards.get(m.shard());
    if (shard != null && !UNKNOWN_SEQUENCE.equals(m.sequenceNumber())) {
      shard.onEmitted(m.sequenceNumber(), next.createdMillis());
    }
    updateWatermark(clock.getAsLong());
  }

  private ShardState state(String shardId) {
    return shards.computeIfAbsent(
        shardId,
        id -> {
          String position = initialPositions.get(id);
          if (position != null) {
            return new ShardState(
                id, ShardIteratorType.AFTER_SEQUENCE_NUMBER, position, pollIntervalMillis);
          }
          return new ShardState(id, firstIteratorType(id), null, pollIntervalMillis);
        });
  }

  /** Where a shard without a position starts; see {@link DynamoDbStreamsIO.Read}. */
  private ShardIteratorType firstIteratorType(String shardId) {
    if (checkpoint != null
        || ShardLineage.descendsFromAny(lineage, shardId, resumedShards)
        || openAtStart == null
        || !openAtStart.contains(shardId)) {
      return ShardIteratorType.TRIM_HORIZON;
    }
    return source.spec().initialPosition() == StartPosition.LATEST
        ? ShardIteratorType.LATEST
        : ShardIteratorType.TRIM_HORIZON;
  }

  private void poll(ShardState shard, long now) throws IOException {
    if (shard.iterator == null) {
      shard.iterator = acquire(shard);
    }
    GetRecordsResponse page;
    try {
      page = getRecords(shard.iterator);
    } catch (ExpiredIteratorException e) {
      LOG.info(
          "The iterator of shard {} of stream {} expired; reading on after sequence number {}"
              + " (no gap)",
          shard.shardId,
          streamArn,
          shard.lastFetched == null ? "(none read yet)" : shard.lastFetched);
      shard.iterator = acquire(shard);
      try {
        page = getRecords(shard.iterator);
      } catch (ExpiredIteratorException again) {
        throw new IOException(
            "the new iterator of shard "
                + shard.shardId
                + " of stream "
                + streamArn
                + " expired at"
                + " once; check the clock and network of this worker",
            again);
      }
    } catch (TrimmedDataAccessException e) {
      boolean gap = shard.lastFetched != null || shard.startType != ShardIteratorType.TRIM_HORIZON;
      if (gap && !acrossTrimmedGaps) {
        throw new IOException(trimmedMessage(shard), e);
      }
      if (gap) {
        shard.iterator = acrossGap(shard);
      } else {
        // Nothing read yet from a shard read from its oldest record: whatever is oldest now is
        // where the read starts, so there is no gap. DynamoDB Local answers so when the iterator
        // was taken while the shard was empty.
        LOG.info(
            "Shard {} of stream {}: its TRIM_HORIZON iterator points before the oldest record;"
                + " nothing was read yet, so reading on from the new TRIM_HORIZON (no gap)",
            shard.shardId,
            streamArn);
        shard.iterator = acquire(shard);
      }
      try {
        page = getRecords(shard.iterator);
      } catch (TrimmedDataAccessException again) {
        throw new IOException(trimmedMessage(shard), again);
      }
    } catch (ResourceNotFoundException e) {
      throw new IOException(goneMessage(shard), e);
    }
    List<Record> records = page.records();
    for (Record record : records) {
      Buffered b = message(record, shard.shardId, now);
      buffer.add(b);
      if (!UNKNOWN_SEQUENCE.equals(b.message().sequenceNumber())) {
        shard.lastFetched = b.message().sequenceNumber();
      }
    }
    if (records.isEmpty()) {
      shard.onEmpty(now);
    } else {
      shard.onRecords(now);
    }
    shard.iterator = page.nextShardIterator();
    if (shard.iterator == null) {
      // A closed shard read to its end: finished once its last records are emitted.
      if (records.isEmpty()) {
        finish(shard.shardId);
      } else {
        pendingFinish = shard.shardId;
      }
    }
  }

  private GetRecordsResponse getRecords(String iterator) {
    return client.getRecords(b -> b.shardIterator(iterator).limit(GET_RECORDS_LIMIT));
  }

  /** An iterator after the last record fetched, or at the shard's start if none was. */
  private String acquire(ShardState shard) throws IOException {
    try {
      return iterator(
          shard,
          shard.lastFetched != null ? ShardIteratorType.AFTER_SEQUENCE_NUMBER : shard.startType,
          shard.lastFetched);
    } catch (TrimmedDataAccessException e) {
      if (acrossTrimmedGaps) {
        return acrossGap(shard);
      }
      throw new IOException(trimmedMessage(shard), e);
    }
  }

  /**
   * An iterator at the shard's oldest record, for a run that repairs the trimmed gap with an
   * incremental export: the gap is logged, and the read goes on after it.
   */
  private String acrossGap(ShardState shard) throws IOException {
    LOG.warn(
        "{} Reading on from the shard's oldest record (TRIM_HORIZON), as asked: the run's"
            + " incremental export must cover the gap.",
        gapOf(shard));
    return iterator(shard, ShardIteratorType.TRIM_HORIZON, null);
  }

  private String iterator(ShardState shard, ShardIteratorType type, @Nullable String sequence)
      throws IOException {
    try {
      return client
          .getShardIterator(
              b ->
                  b.streamArn(streamArn)
                      .shardId(shard.shardId)
                      .shardIteratorType(type)
                      .sequenceNumber(sequence))
          .shardIterator();
    } catch (ResourceNotFoundException e) {
      throw new IOException(goneMessage(shard), e);
    }
  }

  private void finish(String shardId) {
    finished.add(shardId);
    shards.remove(shardId);
    initialPositions.remove(shardId);
    nextDescribeMillis = Long.MIN_VALUE;
    LOG.debug("Shard {} of stream {} read to its end", shardId, streamArn);
  }

  private void describe(long now) throws IOException {
    try {
      lineage = ShardLineage.describe(client, streamArn);
    } catch (ResourceNotFoundException e) {
      throw new IOException(
          ShardLineage.noStreamMessage(tableName)
              + " (its stream "
              + streamArn
              + " was not found: it was disabled, or expired 24 hours after that)",
          e);
    }
    nextDescribeMillis = now + DESCRIBE_EVERY_MILLIS;
  }

  String trimmedMessage(ShardState shard) {
    return gapOf(shard)
        + " Nothing was skipped: the read stops here. To repair the gap, take an incremental"
        + " export of table "
        + tableName
        + " from "
        + (lastChangeTime(shard) == null
            ? "the time of the last change committed from this shard"
            : "at most " + lastChangeTime(shard))
        + " to now and run it with the stream (--source=export,dynamodb-streams --exportPath=<the"
        + " incremental export> --streamsAcrossTrimmedGap): its rows carry their write times, so"
        + " <table>_current takes each changed item's state from it unless the"
        + " stream holds a newer change. Or take a new full export of table "
        + tableName
        + " and restart the pipeline from it, reading the stream from the export time.";
  }

  /** When the newest change this read emitted from the shard was made, or null before any. */
  private static @Nullable String lastChangeTime(ShardState shard) {
    return shard.lastRecordMillis() == Long.MIN_VALUE
        ? null
        : SECONDS.format(java.time.Instant.ofEpochMilli(shard.lastRecordMillis()));
  }

  /** The gap: the stream, the shard, and what the read had reached when its next records went. */
  private String gapOf(ShardState shard) {
    String after =
        shard.lastFetched == null
            ? "its start position (" + shard.startType + ")"
            : "sequence number " + shard.lastFetched;
    String when =
        lastChangeTime(shard) == null ? "" : " (a change made at " + lastChangeTime(shard) + ")";
    return "DynamoDB stream "
        + streamArn
        + ", shard "
        + shard.shardId
        + ": the records after "
        + after
        + when
        + " were trimmed (a stream keeps records for 24 hours), so there is a gap between what"
        + " was read and what the stream still holds.";
  }

  private String goneMessage(ShardState shard) {
    return "DynamoDB stream "
        + streamArn
        + " of table "
        + tableName
        + " or its shard "
        + shard.shardId
        + " no longer exists (the stream was disabled, or the shard expired after 24 hours)."
        + " Enable the stream with NEW_AND_OLD_IMAGES if needed, take a new export and restart"
        + " from it.";
  }

  private Buffered message(Record record, String shardId, long now) {
    var change = record.dynamodb();
    String sequence = change == null ? null : change.sequenceNumber();
    if (sequence == null || sequence.isEmpty()) {
      sequence = UNKNOWN_SEQUENCE;
    }
    java.time.Instant created = change == null ? null : change.approximateCreationDateTime();
    long createdMillis = created == null ? now : created.toEpochMilli();
    try {
      DecodedChange decoded = decoder.decode(record, tableName, streamArn, shardId);
      byte[] payload = encoder(record.awsRegion()).encode(decoded);
      return new Buffered(
          new ChangeMessage(
              SourceKind.DYNAMODB_STREAMS,
              streamArn,
              shardId,
              sequence,
              createdMillis,
              now,
              payload,
              null),
          createdMillis);
    } catch (DecodeException e) {
      return new Buffered(
          new ChangeMessage(
              SourceKind.DYNAMODB_STREAMS,
              streamArn,
              shardId,
              sequence,
              createdMillis,
              now,
              record.toString().getBytes(StandardCharsets.UTF_8),
              e.errorClass() + ": " + e.getMessage()),
          createdMillis);
    }
  }

  private KinesisRecordEncoder encoder(@Nullable String recordRegion) {
    String region = recordRegion == null || recordRegion.isEmpty() ? fallbackRegion : recordRegion;
    return encoders.computeIfAbsent(
        region, r -> new KinesisRecordEncoder(r, TimePrecision.MICROSECOND));
  }

  private void updateWatermark(long now) {
    long min = Long.MAX_VALUE;
    boolean any = false;
    for (String shardId : ShardLineage.readable(lineage, finished)) {
      ShardState shard = shards.get(shardId);
      min =
          Math.min(
              min, shard == null ? Long.MIN_VALUE : shard.watermarkMillis(now, idleDelayMillis));
      any = true;
    }
    if (!any) {
      min = now - idleDelayMillis;
    }
    watermarkMillis = Math.max(watermarkMillis, min);
  }

  @Override
  public ChangeMessage getCurrent() {
    if (current == null) {
      throw new NoSuchElementException("no current record: call start() or advance() first");
    }
    return current.message();
  }

  @Override
  public Instant getCurrentTimestamp() {
    if (current == null) {
      throw new NoSuchElementException("no current record: call start() or advance() first");
    }
    return new Instant(current.createdMillis());
  }

  @Override
  public Instant getWatermark() {
    return watermarkMillis == Long.MIN_VALUE
        ? BoundedWindow.TIMESTAMP_MIN_VALUE
        : new Instant(Math.max(watermarkMillis, BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis()));
  }

  /**
   * The last emitted position of every shard not finished (including positions given at start for
   * shards not polled yet), and the finished shards still listed.
   */
  @Override
  public StreamsCheckpoint getCheckpointMark() {
    Map<String, String> positions = new TreeMap<>();
    initialPositions.forEach(
        (shardId, sequence) -> {
          if (!finished.contains(shardId)) {
            positions.put(shardId, sequence);
          }
        });
    shards.forEach(
        (shardId, shard) -> {
          if (shard.lastEmitted != null) {
            positions.put(shardId, shard.lastEmitted);
          }
        });
    Set<String> listed = new HashSet<>();
    lineage.forEach(s -> listed.add(s.shardId()));
    Set<String> done = new TreeSet<>();
    for (String shardId : finished) {
      if (listed.contains(shardId)) {
        done.add(shardId);
      }
    }
    if (streamArn == null) {
      throw new IllegalStateException("getCheckpointMark() before start()");
    }
    return StreamsCheckpoint.of(streamArn, positions, done);
  }

  @Override
  public StreamsSource getCurrentSource() {
    return source;
  }

  @Override
  public void close() {
    client.close();
  }
}
