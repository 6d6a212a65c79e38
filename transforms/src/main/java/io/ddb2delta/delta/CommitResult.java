package io.ddb2delta.delta;

/**
 * What {@link DeltaTable#commit} did.
 *
 * @param committed false when the (appId, version) pair was already in the table, so nothing was
 *     written
 * @param tableVersion the version the commit created, or the table's current version when nothing
 *     was committed
 * @param filesAdded data files added by this commit (0 when not committed)
 * @param recordsAdded rows in those files (0 when not committed)
 */
public record CommitResult(boolean committed, long tableVersion, int filesAdded, long recordsAdded)
    implements java.io.Serializable {

  public static CommitResult alreadyCommitted(long tableVersion) {
    return new CommitResult(false, tableVersion, 0, 0);
  }

  public static CommitResult newVersion(long tableVersion, int filesAdded, long recordsAdded) {
    return new CommitResult(true, tableVersion, filesAdded, recordsAdded);
  }
}
