package io.ddb2delta.tools;

import io.ddb2delta.cdc.KinesisRecordEncoder;
import io.ddb2delta.cdc.StreamsRecordDecoder;
import io.ddb2delta.cdc.TimePrecision;
import io.ddb2delta.cdc.streams.ShardLineage;
import io.ddb2delta.cdc.streams.ShardLineage.ShardLink;
import io.ddb2delta.change.DecodeException;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.model.DynamoJson;
import io.ddb2delta.model.DynamoValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.checkerframework.checker.nullness.qual.Nullable;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Plays AWS's part of Kinesis Data Streams for DynamoDB: copies a table's DynamoDB Stream into a
 * Kinesis stream, each record as the JSON payload AWS would write ({@link KinesisRecordEncoder}).
 * DynamoDB Local cannot enable a Kinesis destination, so local runs need this bridge.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Every stream record read is put at least once; with {@link Config#duplicateRate} p, a
 *       record is put a second time with probability p, chosen by {@link #duplicate} from the seed
 *       and the record's {@code eventID} alone, so the same seed picks the same records on every
 *       run. AWS documents duplicates; this lets consumers be tested against them.
 *   <li>A shard is read only once its parent is finished (read to its end) or no longer listed
 *       ({@link ShardLineage}), so an item's changes are read in the order DynamoDB wrote them even
 *       across a shard split.
 *   <li>The partition key is {@link #partitionKey} of the item's keys, so one item's records land
 *       in one Kinesis shard, and they are put in read order: a PutRecords batch carries at most
 *       one record per partition key, and the next batch is sent only once every entry of this one
 *       succeeded (failed entries are retried alone). A partial failure therefore cannot reorder an
 *       item's records, which retrying part of a mixed batch could.
 *   <li>A record that does not decode is counted as skipped and reported on standard error.
 * </ul>
 *
 * <p>{@link #run()} blocks until {@link #close()}, {@link Config#maxDuration} or {@link
 * Config#maxRecords}; {@link #stats()} may be read from another thread at any time.
 */
public final class KinesisBridge implements AutoCloseable {

  /** Kinesis PutRecords limits: 500 entries and 5 MiB per request. */
  static final int MAX_BATCH_RECORDS = 500;

  static final long MAX_BATCH_BYTES = 5L * 1024 * 1024;

  /** Kinesis partition keys are at most 256 Unicode characters. */
  static final int MAX_PARTITION_KEY = 256;

  private static final int MAX_GET_RECORDS = 1000;

  /** Where to start reading the shards that are open when the bridge starts. */
  public enum Start {
    TRIM_HORIZON,
    LATEST
  }

  /**
   * What to bridge and how.
   *
   * @param tableName the DynamoDB table; its latest stream is read
   * @param streams the DynamoDB Streams client (not closed by the bridge)
   * @param kinesis the Kinesis client (not closed by the bridge)
   * @param kinesisStream the target stream, which must exist
   * @param awsRegion the {@code awsRegion} written into each payload
   * @param precision the unit of {@code ApproximateCreationDateTime} in the payload
   * @param duplicateRate the probability, in [0, 1], that a record is put twice
   * @param seed picks the duplicated records
   * @param pollInterval the first wait when no shard has new records; it doubles up to 5 times this
   *     while the stream stays idle
   * @param start where shards open at start-up are read from; shards found later are read from
   *     their beginning, since all their records are new
   * @param maxDuration stop after this long, or null for no limit
   * @param maxRecords stop after reading this many stream records, or 0 for no limit
   */
  public record Config(
      String tableName,
      DynamoDbStreamsClient streams,
      KinesisClient kinesis,
      String kinesisStream,
      String awsRegion,
      TimePrecision precision,
      double duplicateRate,
      long seed,
      Duration pollInterval,
      Start start,
      @Nullable Duration maxDuration,
      long maxRecords) {
    public Config {
      Objects.requireNonNull(tableName, "tableName");
      Objects.requireNonNull(streams, "streams");
      Objects.requireNonNull(kinesis, "kinesis");
      Objects.requireNonNull(kinesisStream, "kinesisStream");
      Objects.requireNonNull(awsRegion, "awsRegion");
      Objects.requireNonNull(precision, "precision");
      Objects.requireNonNull(pollInterval, "pollInterval");
      Objects.requireNonNull(start, "start");
      if (!(duplicateRate >= 0.0 && duplicateRate <= 1.0)) {
        throw new IllegalArgumentException("duplicateRate must be in [0, 1]: " + duplicateRate);
      }
      if (pollInterval.isNegative() || pollInterval.isZero()) {
        throw new IllegalArgumentException("pollInterval must be positive: " + pollInterval);
      }
      if (maxRecords < 0) {
        throw new IllegalArgumentException("maxRecords must be 0 (no limit) or more");
      }
    }
  }

  /**
   * Counts so far.
   *
   * @param read stream records read
   * @param put Kinesis records put, duplicates included
   * @param duplicated of those, the second copies
   * @param skipped stream records that did not decode and were not put
   */
  public record Stats(long read, long put, long duplicated, long skipped) {}

  private final Config config;
  private final StreamsRecordDecoder decoder = StreamsRecordDecoder.forAnyTable(Map.of());
  private final KinesisRecordEncoder encoder;
  private final AtomicLong read = new AtomicLong();
  private final AtomicLong put = new AtomicLong();
  private final AtomicLong duplicated = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private volatile boolean closed;

  public KinesisBridge(Config config) {
    this.config = Objects.requireNonNull(config, "config");
    this.encoder = new KinesisRecordEncoder(config.awsRegion(), config.precision());
  }

  public Stats stats() {
    return new Stats(read.get(), put.get(), duplicated.get(), skipped.get());
  }

  /** Asks {@link #run()} to stop after its current round; records read so far are put first. */
  @Override
  public void close() {
    closed = true;
  }

  /** Bridges until closed or a limit is reached, then returns the counts. */
  public Stats run() throws InterruptedException {
    long deadline =
        config.maxDuration() == null
            ? Long.MAX_VALUE
            : System.nanoTime() + config.maxDuration().toNanos();
    String streamArn = ShardLineage.latestStreamArn(config.streams(), config.tableName());
    Set<String> startShards = null;
    Map<String, String> iterators = new HashMap<>();
    Set<String> finished = new HashSet<>();
    Set<String> fromHorizonUnread = new HashSet<>();
    long idleMillis = config.pollInterval().toMillis();
    while (!closed && System.nanoTime() < deadline && !limitReached()) {
      List<ShardLink> shards = ShardLineage.describe(config.streams(), streamArn);
      if (startShards == null) {
        startShards = new HashSet<>();
        for (ShardLink s : shards) {
          startShards.add(s.shardId());
        }
      }
      boolean any = false;
      for (String shardId : ShardLineage.readable(shards, finished)) {
        if (closed || limitReached()) {
          break;
        }
        String iterator = iterators.get(shardId);
        if (iterator == null) {
          ShardIteratorType type =
              config.start() == Start.LATEST && startShards.contains(shardId)
                  ? ShardIteratorType.LATEST
                  : ShardIteratorType.TRIM_HORIZON;
          if (type == ShardIteratorType.TRIM_HORIZON) {
            fromHorizonUnread.add(shardId);
          }
          iterator =
              config
                  .streams()
                  .getShardIterator(
                      b -> b.streamArn(streamArn).shardId(shardId).shardIteratorType(type))
                  .shardIterator();
        }
        String current = iterator;
        int limit = (int) Math.min(MAX_GET_RECORDS, remaining());
        GetRecordsResponse page;
        try {
          page = config.streams().getRecords(b -> b.shardIterator(current).limit(limit));
        } catch (TrimmedDataAccessException e) {
          if (!fromHorizonUnread.contains(shardId)) {
            throw e;
          }
          // Nothing read yet from the shard's oldest record: DynamoDB Local calls an iterator
          // taken while the shard was empty trimmed. Reading from the new TRIM_HORIZON skips
          // nothing.
          String fresh =
              config
                  .streams()
                  .getShardIterator(
                      b ->
                          b.streamArn(streamArn)
                              .shardId(shardId)
                              .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                  .shardIterator();
          page = config.streams().getRecords(b -> b.shardIterator(fresh).limit(limit));
        }
        if (!page.records().isEmpty()) {
          fromHorizonUnread.remove(shardId);
          any = true;
          forward(page.records(), streamArn, shardId);
        }
        if (page.nextShardIterator() == null) {
          // A closed shard read to its end: its children may now be read.
          finished.add(shardId);
          iterators.remove(shardId);
        } else {
          iterators.put(shardId, page.nextShardIterator());
        }
      }
      if (any) {
        idleMillis = config.pollInterval().toMillis();
      } else {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        Thread.sleep(Math.max(0, Math.min(idleMillis, left)));
        idleMillis = Math.min(idleMillis * 2, config.pollInterval().toMillis() * 5);
      }
    }
    return stats();
  }

  private boolean limitReached() {
    return config.maxRecords() > 0 && read.get() >= config.maxRecords();
  }

  private long remaining() {
    return config.maxRecords() > 0 ? config.maxRecords() - read.get() : Long.MAX_VALUE;
  }

  private void forward(List<Record> records, String streamArn, String shardId) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (Record record : records) {
      read.incrementAndGet();
      DecodedChange change;
      try {
        change = decoder.decode(record, config.tableName(), streamArn, shardId);
      } catch (DecodeException e) {
        skipped.incrementAndGet();
        System.err.println(
            "kinesis-bridge: skipped record "
                + record.eventID()
                + " of shard "
                + shardId
                + ": "
                + e.getMessage());
        continue;
      }
      PutRecordsRequestEntry entry =
          PutRecordsRequestEntry.builder()
              .partitionKey(partitionKey(change.record().keys()))
              .data(SdkBytes.fromByteArray(encoder.encode(change)))
              .build();
      entries.add(entry);
      if (duplicate(config.seed(), change.record().eventId(), config.duplicateRate())) {
        entries.add(entry);
        duplicated.incrementAndGet();
      }
    }
    for (List<PutRecordsRequestEntry> batch : batches(entries)) {
      putAll(batch);
    }
  }

  /**
   * Splits entries, in order, into PutRecords batches within Kinesis's limits, each holding at most
   * one entry per partition key; see the class comment for why.
   */
  static List<List<PutRecordsRequestEntry>> batches(List<PutRecordsRequestEntry> entries) {
    List<List<PutRecordsRequestEntry>> out = new ArrayList<>();
    List<PutRecordsRequestEntry> batch = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    long bytes = 0;
    for (PutRecordsRequestEntry e : entries) {
      long size = e.data().asByteArrayUnsafe().length + e.partitionKey().length();
      if (!batch.isEmpty()
          && (batch.size() == MAX_BATCH_RECORDS
              || bytes + size > MAX_BATCH_BYTES
              || keys.contains(e.partitionKey()))) {
        out.add(batch);
        batch = new ArrayList<>();
        keys = new HashSet<>();
        bytes = 0;
      }
      batch.add(e);
      keys.add(e.partitionKey());
      bytes += size;
    }
    if (!batch.isEmpty()) {
      out.add(batch);
    }
    return out;
  }

  /** Puts a batch, retrying the failed entries with backoff until all succeed. */
  private void putAll(List<PutRecordsRequestEntry> batch) {
    List<PutRecordsRequestEntry> pending = batch;
    long backoff = 100;
    while (true) {
      List<PutRecordsRequestEntry> send = pending;
      PutRecordsResponse response =
          config.kinesis().putRecords(b -> b.streamName(config.kinesisStream()).records(send));
      List<PutRecordsRequestEntry> failed = new ArrayList<>();
      List<PutRecordsResultEntry> results = response.records();
      for (int i = 0; i < send.size(); i++) {
        if (results.get(i).errorCode() == null) {
          put.incrementAndGet();
        } else {
          failed.add(send.get(i));
        }
      }
      if (failed.isEmpty()) {
        return;
      }
      pending = failed;
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while retrying PutRecords", e);
      }
      backoff = Math.min(backoff * 2, 2000);
    }
  }

  /**
   * The Kinesis partition key of an item: its keys as DynamoDB JSON with attributes in name order,
   * so it is the same whatever order the keys arrive in; if that is longer than Kinesis allows, the
   * SHA-256 of it in hex.
   */
  static String partitionKey(Map<String, DynamoValue> keys) {
    String json = DynamoJson.writeItem(new LinkedHashMap<>(new TreeMap<>(keys)));
    if (json.length() <= MAX_PARTITION_KEY) {
      return json;
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * Whether the record with this event id is put twice: a uniform draw in [0, 1) derived from the
   * seed and the event id only (so it does not depend on read order), below the rate.
   */
  static boolean duplicate(long seed, String eventId, double rate) {
    if (rate <= 0.0) {
      return false;
    }
    long h = 0xcbf29ce484222325L;
    for (byte b : eventId.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    long mixed = mix(seed ^ mix(h));
    double draw = (mixed >>> 11) * 0x1.0p-53;
    return draw < rate;
  }

  /** SplitMix64's finaliser: spreads every input bit over the output. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
