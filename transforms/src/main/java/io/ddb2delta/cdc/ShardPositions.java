package io.ddb2delta.cdc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.math.BigInteger;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The newest sequence number committed per (stream, shard): what a restarted job resumes after, and
 * what a replayed record is compared with. Sequence numbers are compared as the decimal integers
 * Kinesis and DynamoDB Streams define them to be, never as text.
 *
 * <p>Immutable. {@link #toJson()} is what goes into a Delta commit's tags, in the manner of
 * kafka-delta-ingest's offsets: {@code {"<stream>":{"<shard>":"<sequence>"}}}.
 */
public final class ShardPositions implements Serializable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ShardPositions EMPTY = new ShardPositions(new TreeMap<>());

  private final Map<String, Map<String, String>> byStream;

  private ShardPositions(TreeMap<String, Map<String, String>> byStream) {
    this.byStream = Collections.unmodifiableMap(byStream);
  }

  public static ShardPositions empty() {
    return EMPTY;
  }

  public static ShardPositions fromJson(String json) {
    try {
      Map<String, Map<String, String>> parsed =
          JSON.readValue(json, new TypeReference<Map<String, Map<String, String>>>() {});
      TreeMap<String, Map<String, String>> copy = new TreeMap<>();
      parsed.forEach(
          (stream, shards) -> {
            shards.values().forEach(ShardPositions::number);
            copy.put(stream, Collections.unmodifiableMap(new TreeMap<>(shards)));
          });
      return new ShardPositions(copy);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalArgumentException("not a shard position map: " + json, e);
    }
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(byStream);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The shard → sequence number map of one stream; empty when nothing of it was committed. */
  public Map<String, String> ofStream(String stream) {
    return byStream.getOrDefault(stream, Map.of());
  }

  public Map<String, Map<String, String>> asMap() {
    return byStream;
  }

  public boolean isEmpty() {
    return byStream.isEmpty();
  }

  /** True when the message sits at or before its shard's committed sequence number. */
  public boolean covers(ChangeMessage m) {
    String committed = ofStream(m.stream()).get(m.shard());
    return committed != null && compare(m.sequenceNumber(), committed) <= 0;
  }

  /** These positions advanced by the message's, where the message's is newer. */
  public ShardPositions with(ChangeMessage m) {
    return with(m.stream(), m.shard(), m.sequenceNumber());
  }

  public ShardPositions with(String stream, String shard, String sequenceNumber) {
    String committed = ofStream(stream).get(shard);
    if (committed != null && compare(sequenceNumber, committed) <= 0) {
      return this;
    }
    TreeMap<String, Map<String, String>> copy = new TreeMap<>(byStream);
    TreeMap<String, String> shards = new TreeMap<>(ofStream(stream));
    shards.put(shard, sequenceNumber);
    copy.put(stream, Collections.unmodifiableMap(shards));
    return new ShardPositions(copy);
  }

  /** These positions advanced, shard by shard, by the newer of each of {@code other}'s. */
  public ShardPositions merge(ShardPositions other) {
    ShardPositions merged = this;
    for (Map.Entry<String, Map<String, String>> s : other.byStream.entrySet()) {
      for (Map.Entry<String, String> shard : s.getValue().entrySet()) {
        merged = merged.with(s.getKey(), shard.getKey(), shard.getValue());
      }
    }
    return merged;
  }

  /**
   * These positions without the shards that {@code retired} holds at the same or a newer sequence
   * number: a retired shard that has moved on since is kept.
   */
  public ShardPositions without(ShardPositions retired) {
    if (retired.isEmpty()) {
      return this;
    }
    return filter(
        (stream, shard, sequence) -> {
          String r = retired.ofStream(stream).get(shard);
          return r == null || compare(sequence, r) > 0;
        });
  }

  /** These positions, of only the shards that {@code other} holds too. */
  public ShardPositions onlyShardsOf(ShardPositions other) {
    return filter((stream, shard, sequence) -> other.ofStream(stream).containsKey(shard));
  }

  /** The number of shards held, over every stream. */
  public int shardCount() {
    return byStream.values().stream().mapToInt(Map::size).sum();
  }

  private interface ShardFilter {
    boolean keep(String stream, String shard, String sequence);
  }

  private ShardPositions filter(ShardFilter filter) {
    TreeMap<String, Map<String, String>> copy = new TreeMap<>();
    byStream.forEach(
        (stream, shards) -> {
          TreeMap<String, String> kept = new TreeMap<>();
          shards.forEach(
              (shard, sequence) -> {
                if (filter.keep(stream, shard, sequence)) {
                  kept.put(shard, sequence);
                }
              });
          if (!kept.isEmpty()) {
            copy.put(stream, Collections.unmodifiableMap(kept));
          }
        });
    return copy.equals(byStream) ? this : new ShardPositions(copy);
  }

  /** Compares two sequence numbers numerically. */
  public static int compare(String a, String b) {
    if (a.length() == b.length() && a.chars().allMatch(Character::isDigit)) {
      return a.compareTo(b);
    }
    return number(a).compareTo(number(b));
  }

  private static BigInteger number(String sequence) {
    try {
      BigInteger n = new BigInteger(sequence);
      if (n.signum() < 0) {
        throw new NumberFormatException("negative");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "sequence number \"" + sequence + "\" is not a non-negative decimal integer", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShardPositions p && byStream.equals(p.byStream);
  }

  @Override
  public int hashCode() {
    return byStream.hashCode();
  }

  @Override
  public String toString() {
    return toJson();
  }
}
