package io.ddb2delta.pipelines.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ddb2delta.local.LocalDynamoDb;
import io.ddb2delta.local.LocalKinesis;
import io.ddb2delta.testing.DynamoTables;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ApproximateCreationDateTimePrecision;
import software.amazon.awssdk.services.dynamodb.model.ExportFormat;
import software.amazon.awssdk.services.dynamodb.model.ExportType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * aws-setup against DynamoDB Local and kinesalite where they support the calls (Streams, Kinesis
 * streams), run twice to show it is idempotent; and, for the calls they do not support (the Kinesis
 * streaming destination, Export to S3), the exact requests as the SDK puts them on the wire,
 * captured by an ExecutionInterceptor. Those two calls were not run against AWS.
 */
class AwsSetupIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aSecondRunChangesNothing() throws Exception {
    try (LocalDynamoDb dynamo = LocalDynamoDb.start();
        LocalKinesis kinesis = LocalKinesis.start()) {
      DynamoTables.create(dynamo.dynamoDb(), "orders", "order_id", false);
      DynamoTables.create(dynamo.dynamoDb(), "users", "user_id", false);
      AwsSetup setup = new AwsSetup(dynamo.dynamoDb(), kinesis.kinesis(), Duration.ofMillis(50));
      List<AwsSetup.TableSetup> tables =
          List.of(new AwsSetup.TableSetup("orders", 4), new AwsSetup.TableSetup("users", 2));

      AwsSetup.Result first =
          setup.apply(
              tables,
              true,
              "ddb2delta-",
              false,
              ApproximateCreationDateTimePrecision.MILLISECOND,
              null);
      AwsSetup.Result second =
          setup.apply(
              tables,
              true,
              "ddb2delta-",
              false,
              ApproximateCreationDateTimePrecision.MILLISECOND,
              null);

      assertThat(first.changes())
          .containsExactly(
              "enabled DynamoDB Streams (NEW_AND_OLD_IMAGES) on orders",
              "created Kinesis stream ddb2delta-orders with 4 shards",
              "enabled DynamoDB Streams (NEW_AND_OLD_IMAGES) on users",
              "created Kinesis stream ddb2delta-users with 2 shards");
      assertThat(second.changes()).isEmpty();
      assertThat(second.notes()).isEmpty();
      assertThat(
              dynamo
                  .dynamoDb()
                  .describeTable(b -> b.tableName("orders"))
                  .table()
                  .streamSpecification())
          .satisfies(
              s -> {
                assertThat(s.streamEnabled()).isTrue();
                assertThat(s.streamViewType()).isEqualTo(StreamViewType.NEW_AND_OLD_IMAGES);
              });
      assertThat(
              kinesis
                  .kinesis()
                  .describeStreamSummary(b -> b.streamName("ddb2delta-orders"))
                  .streamDescriptionSummary()
                  .openShardCount())
          .isEqualTo(4);

      AwsSetup.Result resharded =
          setup.apply(
              List.of(new AwsSetup.TableSetup("users", 3)),
              true,
              "ddb2delta-",
              false,
              ApproximateCreationDateTimePrecision.MILLISECOND,
              null);
      assertThat(resharded.changes()).isEmpty();
      assertThat(resharded.notes())
          .containsExactly(
              "Kinesis stream ddb2delta-users has 2 open shards, the plan says 3; left as is"
                  + " (resharding is a capacity decision)");
    }
  }

  /** Records the target and JSON body of every request the client sends. */
  static final class Capture implements ExecutionInterceptor {
    final List<Map.Entry<String, JsonNode>> sent = new ArrayList<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attrs) {
      String target = context.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("");
      JsonNode body;
      try (InputStream in =
          context.requestBody().orElseThrow().contentStreamProvider().newStream()) {
        body = JSON.readTree(in);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      sent.add(Map.entry(target, body));
    }
  }

  @Test
  void destinationAndExportRequestsAreExactlyWhatAwsExpects() throws Exception {
    try (LocalDynamoDb dynamo = LocalDynamoDb.start()) {
      Capture capture = new Capture();
      DynamoDbClient client =
          DynamoDbClient.builder()
              .endpointOverride(dynamo.endpoint())
              .region(LocalAws.region())
              .credentialsProvider(LocalAws.credentials())
              .overrideConfiguration(o -> o.addExecutionInterceptor(capture))
              .build();
      String streamArn = "arn:aws:kinesis:us-east-1:123456789012:stream/ddb2delta-orders";
      try {
        client.enableKinesisStreamingDestination(
            AwsSetup.destinationRequest(
                "orders", streamArn, ApproximateCreationDateTimePrecision.MICROSECOND));
      } catch (RuntimeException unsupportedLocally) {
        // DynamoDB Local cannot stream to Kinesis; the request on the wire is what is checked.
      }
      Instant from = Instant.parse("2024-03-01T00:00:00Z");
      Instant to = Instant.parse("2024-03-01T01:00:00Z");
      AwsSetup.ExportSpec spec =
          new AwsSetup.ExportSpec(
              ExportType.INCREMENTAL_EXPORT,
              ExportFormat.ION,
              "my-lake",
              "exports/orders",
              from,
              to,
              Duration.ofMinutes(30));
      String tableArn = "arn:aws:dynamodb:us-east-1:123456789012:table/orders";
      for (int i = 0; i < 2; i++) {
        try {
          client.exportTableToPointInTime(AwsSetup.exportRequest(tableArn, spec));
        } catch (RuntimeException unsupportedLocally) {
          // DynamoDB Local cannot export; the request on the wire is what is checked.
        }
      }

      assertThat(capture.sent.get(0).getKey())
          .isEqualTo("DynamoDB_20120810.EnableKinesisStreamingDestination");
      JsonNode destination = capture.sent.get(0).getValue();
      assertThat(destination.path("TableName").asText()).isEqualTo("orders");
      assertThat(destination.path("StreamArn").asText()).isEqualTo(streamArn);
      assertThat(
              destination
                  .path("EnableKinesisStreamingConfiguration")
                  .path("ApproximateCreationDateTimePrecision")
                  .asText())
          .isEqualTo("MICROSECOND");

      List<JsonNode> exports =
          capture.sent.stream()
              .filter(e -> e.getKey().equals("DynamoDB_20120810.ExportTableToPointInTime"))
              .map(Map.Entry::getValue)
              .toList();
      assertThat(exports).hasSize(2);
      JsonNode export = exports.get(0);
      assertThat(export.path("TableArn").asText()).isEqualTo(tableArn);
      assertThat(export.path("S3Bucket").asText()).isEqualTo("my-lake");
      assertThat(export.path("S3Prefix").asText()).isEqualTo("exports/orders");
      assertThat(export.path("ExportFormat").asText()).isEqualTo("ION");
      assertThat(export.path("ExportType").asText()).isEqualTo("INCREMENTAL_EXPORT");
      JsonNode incremental = export.path("IncrementalExportSpecification");
      // The SDK sends timestamps as epoch seconds.
      assertThat(incremental.path("ExportFromTime").asDouble()).isEqualTo(1_709_251_200d);
      assertThat(incremental.path("ExportToTime").asDouble()).isEqualTo(1_709_254_800d);
      assertThat(incremental.path("ExportViewType").asText()).isEqualTo("NEW_AND_OLD_IMAGES");
      // The same plan sends the same client token, which is what makes a re-run idempotent at AWS.
      assertThat(export.path("ClientToken").asText()).isNotBlank();
      assertThat(exports.get(1).path("ClientToken")).isEqualTo(export.path("ClientToken"));
    }
  }
}
