package io.ddb2delta.cdc.streams;

/** Where {@link DynamoDbStreamsIO} starts reading the shards that are open when it first starts. */
public enum StartPosition {
  /** The oldest record the stream still holds (it keeps 24 hours). */
  TRIM_HORIZON,
  /** Only records written after the read starts. */
  LATEST
}
