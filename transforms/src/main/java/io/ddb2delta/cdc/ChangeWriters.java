package io.ddb2delta.cdc;

import io.ddb2delta.delta.DeltaTable;
import java.io.Serializable;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * How one stream set's changes are spread over parallel writers: each source shard belongs to one
 * writer, which alone decodes, deduplicates and writes that shard's changes, and whose batches the
 * committer commits under the writer's own Delta transaction id, {@code <appId>#<writer>}.
 *
 * <p>A shard always maps to the same writer for a given count, so a writer's dedup memory and the
 * committed positions of its shards stay its own; the count must therefore stay the same for the
 * life of an app id's tables, which the committed tags record ({@link #WRITERS_TAG}).
 *
 * @param appId the stream set's app id, stable across restarts
 * @param count how many writers; at least 1
 */
public record ChangeWriters(String appId, int count) implements Serializable {
  /** Commit tag holding the writer count the tables were written with. */
  public static final String WRITERS_TAG = "ddb2delta.writers";

  public ChangeWriters {
    if (appId == null || appId.isBlank()) {
      throw new IllegalArgumentException("appId must be set");
    }
    if (count < 1) {
      throw new IllegalArgumentException("the writer count must be at least 1, got " + count);
    }
  }

  /** The writer of the message's shard. */
  public int writerOf(ChangeMessage m) {
    return Math.floorMod((m.stream() + '/' + m.shard()).hashCode(), count);
  }

  /** The Delta transaction id under which writer {@code writer}'s batches commit. */
  public String txnAppId(int writer) {
    if (writer < 0 || writer >= count) {
      throw new IllegalArgumentException("writer " + writer + " of " + count);
    }
    return appId + "#" + writer;
  }

  /** Every writer's transaction id, in writer order. */
  public Set<String> txnAppIds() {
    Set<String> ids = new LinkedHashSet<>();
    for (int w = 0; w < count; w++) {
      ids.add(txnAppId(w));
    }
    return ids;
  }

  /** How many batches of this stream set the table holds, over all writers. */
  public long batchesIn(DeltaTable table) {
    long batches = 0;
    for (String id : txnAppIds()) {
      batches += table.txnVersion(id) + 1;
    }
    return batches;
  }
}
