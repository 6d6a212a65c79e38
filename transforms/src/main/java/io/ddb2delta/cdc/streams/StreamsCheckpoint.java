package io.ddb2delta.cdc.streams;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.io.UnboundedSource;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Where a {@link DynamoDbStreamsIO} reader stands: the stream it reads, the sequence number of the
 * last record it emitted from each shard, and the shards it read to their end. A reader resumed
 * from it reads each listed shard AFTER_SEQUENCE_NUMBER of its position, skips the finished shards,
 * and reads every other shard from TRIM_HORIZON (at least once: a shard that emitted nothing has no
 * position to resume from).
 *
 * <p>Nothing is acknowledged to the stream, so {@link #finalizeCheckpoint()} does nothing.
 *
 * @param streamArn the stream read
 * @param positions shard id to the last emitted sequence number, for shards not finished
 * @param finished shards read to their end (GetRecords returned no next iterator)
 */
public record StreamsCheckpoint(
    String streamArn, SortedMap<String, String> positions, SortedSet<String> finished)
    implements UnboundedSource.CheckpointMark {

  public StreamsCheckpoint {
    Objects.requireNonNull(streamArn, "streamArn");
    positions = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(positions));
    finished = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(finished));
  }

  public static StreamsCheckpoint of(
      String streamArn, Map<String, String> positions, Set<String> finished) {
    return new StreamsCheckpoint(streamArn, new TreeMap<>(positions), new TreeSet<>(finished));
  }

  @Override
  public void finalizeCheckpoint() {}

  /** A deterministic coder: fields in order, map entries and set members in sorted order. */
  public static final class Coder extends AtomicCoder<StreamsCheckpoint> {
    private static final Coder INSTANCE = new Coder();
    private static final int VERSION = 1;

    private Coder() {}

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(StreamsCheckpoint value, OutputStream outStream) throws IOException {
      DataOutputStream out = new DataOutputStream(outStream);
      out.writeByte(VERSION);
      out.writeUTF(value.streamArn());
      out.writeInt(value.positions().size());
      for (Map.Entry<String, String> e : value.positions().entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
      out.writeInt(value.finished().size());
      for (String shard : value.finished()) {
        out.writeUTF(shard);
      }
      out.flush();
    }

    @Override
    public StreamsCheckpoint decode(InputStream inStream) throws IOException {
      DataInputStream in = new DataInputStream(inStream);
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new CoderException("unknown DynamoDB Streams checkpoint version " + version);
      }
      String arn = in.readUTF();
      TreeMap<String, String> positions = new TreeMap<>();
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        positions.put(in.readUTF(), in.readUTF());
      }
      TreeSet<String> finished = new TreeSet<>();
      int m = in.readInt();
      for (int i = 0; i < m; i++) {
        finished.add(in.readUTF());
      }
      return new StreamsCheckpoint(arn, positions, finished);
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean consistentWithEquals() {
      return true;
    }
  }

  @Override
  public String toString() {
    return "StreamsCheckpoint{" + streamArn + ", " + positions + ", finished=" + finished + "}";
  }

  /** Returns the position of a shard, or null. */
  public @Nullable String position(String shardId) {
    return positions.get(shardId);
  }
}
