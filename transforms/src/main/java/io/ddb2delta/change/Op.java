package io.ddb2delta.change;

/**
 * What a change record does to its item. An export row is a {@link #SNAPSHOT}: a read, not a write.
 */
public enum Op {
  SNAPSHOT,
  INSERT,
  MODIFY,
  REMOVE
}
