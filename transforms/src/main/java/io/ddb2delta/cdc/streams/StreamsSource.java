package io.ddb2delta.cdc.streams;

import io.ddb2delta.cdc.ChangeMessage;
import io.ddb2delta.cdc.ChangeMessageCoder;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.aws2.common.ClientBuilderFactory;
import org.apache.beam.sdk.io.aws2.common.ClientConfiguration;
import org.apache.beam.sdk.io.aws2.options.AwsOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.checkerframework.checker.nullness.qual.Nullable;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The unbounded source behind {@link DynamoDbStreamsIO#read()}: one table's latest stream.
 *
 * <p>{@link #split} returns this source alone, so one reader reads every shard of the stream. A
 * DynamoDB stream has few shards open at once (a handful per table partition), each limited to a
 * few MB/s, and a child shard must not be read before its parent is read to its end. One reader
 * that follows the whole lineage keeps that ordering simple and local, with no coordination between
 * splits.
 */
final class StreamsSource extends UnboundedSource<ChangeMessage, StreamsCheckpoint> {
  private final DynamoDbStreamsIO.Read spec;

  StreamsSource(DynamoDbStreamsIO.Read spec) {
    this.spec = spec;
  }

  DynamoDbStreamsIO.Read spec() {
    return spec;
  }

  @Override
  public List<StreamsSource> split(int desiredNumSplits, PipelineOptions options) {
    return List.of(this);
  }

  @Override
  public StreamsReader createReader(
      PipelineOptions options, @Nullable StreamsCheckpoint checkpointMark) {
    AwsOptions aws = options.as(AwsOptions.class);
    ClientConfiguration config = spec.clientConfiguration();
    DynamoDbStreamsClient client =
        ClientBuilderFactory.buildClient(aws, DynamoDbStreamsClient.builder(), config);
    return new StreamsReader(
        this, client, checkpointMark, region(config, aws), System::currentTimeMillis);
  }

  /** The region written into payloads whose stream record does not name one. */
  private static String region(ClientConfiguration config, AwsOptions aws) {
    Region region = config.region() != null ? config.region() : aws.getAwsRegion();
    return region == null ? "unknown" : region.id();
  }

  @Override
  public Coder<StreamsCheckpoint> getCheckpointMarkCoder() {
    return StreamsCheckpoint.Coder.of();
  }

  @Override
  public Coder<ChangeMessage> getOutputCoder() {
    return ChangeMessageCoder.of();
  }
}
