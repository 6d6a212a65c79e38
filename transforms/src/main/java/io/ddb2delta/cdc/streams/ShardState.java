package io.ddb2delta.cdc.streams;

import org.checkerframework.checker.nullness.qual.Nullable;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;

/**
 * One shard as a {@link StreamsReader} reads it: its iterator, positions, poll back-off and
 * watermark. Not thread-safe; the reader owns it.
 *
 * <p>Back-off: after an empty GetRecords the shard is next polled {@code pollInterval} later, and
 * each further empty poll doubles the wait up to 8 times {@code pollInterval}; a poll that returns
 * records resets it, and the shard may be polled again at once.
 *
 * <p>Watermark: the creation time of the last record emitted; once the shard has been caught up
 * (its last GetRecords was empty) for {@code idleDelay}, it is at least {@code now - idleDelay}, so
 * an idle shard does not hold the reader's watermark back.
 */
final class ShardState {
  static final int MAX_BACKOFF_FACTOR = 8;

  final String shardId;
  private final long pollIntervalMillis;

  /** How the first iterator is acquired: its type and, for AFTER_SEQUENCE_NUMBER, the sequence. */
  final ShardIteratorType startType;

  final @Nullable String startSequence;

  @Nullable String iterator;

  /** The last sequence number fetched into the reader's buffer. */
  @Nullable String lastFetched;

  /** The last sequence number emitted. */
  @Nullable String lastEmitted;

  private long nextPollMillis = Long.MIN_VALUE;
  private long backoffMillis;
  private long lastRecordMillis = Long.MIN_VALUE;
  private long caughtUpSinceMillis = -1;

  ShardState(
      String shardId,
      ShardIteratorType startType,
      @Nullable String startSequence,
      long pollIntervalMillis) {
    this.shardId = shardId;
    this.startType = startType;
    this.startSequence = startSequence;
    this.pollIntervalMillis = pollIntervalMillis;
    this.backoffMillis = pollIntervalMillis;
    this.lastEmitted = startSequence;
    this.lastFetched = startSequence;
  }

  boolean due(long nowMillis) {
    return nowMillis >= nextPollMillis;
  }

  long nextPollMillis() {
    return nextPollMillis;
  }

  /** An empty GetRecords: wait, doubling the wait each time, up to 8 poll intervals. */
  void onEmpty(long nowMillis) {
    nextPollMillis = nowMillis + backoffMillis;
    backoffMillis = Math.min(backoffMillis * 2, pollIntervalMillis * MAX_BACKOFF_FACTOR);
    if (caughtUpSinceMillis < 0) {
      caughtUpSinceMillis = nowMillis;
    }
  }

  /** A GetRecords with records: poll again at once and reset the back-off. */
  void onRecords(long nowMillis) {
    nextPollMillis = nowMillis;
    backoffMillis = pollIntervalMillis;
    caughtUpSinceMillis = -1;
  }

  void onEmitted(String sequenceNumber, long createdMillis) {
    lastEmitted = sequenceNumber;
    lastRecordMillis = Math.max(lastRecordMillis, createdMillis);
  }

  /** The creation time of the newest record emitted, or Long.MIN_VALUE before any. */
  long lastRecordMillis() {
    return lastRecordMillis;
  }

  /** This shard's watermark now, in epoch milliseconds; Long.MIN_VALUE before anything is known. */
  long watermarkMillis(long nowMillis, long idleDelayMillis) {
    if (caughtUpSinceMillis >= 0 && nowMillis - caughtUpSinceMillis >= idleDelayMillis) {
      return Math.max(lastRecordMillis, nowMillis - idleDelayMillis);
    }
    return lastRecordMillis;
  }
}
