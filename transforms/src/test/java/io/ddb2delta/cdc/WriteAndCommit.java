package io.ddb2delta.cdc;

import io.ddb2delta.tables.DeltaTargets;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** One writer and the committer, run one after the other on each batch, as one worker would. */
final class WriteAndCommit {
  private final ChangeFileWriter writer;
  private final TableCommitter committer;

  WriteAndCommit(DeltaTargets targets, String appId, long horizonMillis, long targetFileBytes) {
    this(targets, appId, horizonMillis, targetFileBytes, Map.of());
  }

  WriteAndCommit(
      DeltaTargets targets,
      String appId,
      long horizonMillis,
      long targetFileBytes,
      Map<String, Long> exportTimes) {
    ChangeWriters writers = new ChangeWriters(appId, 1);
    this.committer = new TableCommitter(targets, writers);
    this.writer =
        new ChangeFileWriter(
            targets, writers, 0, horizonMillis, targetFileBytes, 10_000, exportTimes);
  }

  CommitReport commit(Collection<ChangeMessage> messages) {
    Committable c = writer.writeMessages(messages);
    return committer.commit(c == null ? List.of() : List.of(c));
  }

  ShardPositions committedPositions() {
    return committer.committedPositions();
  }

  ShardPositions committedArrivals() {
    return committer.committedArrivals();
  }
}
