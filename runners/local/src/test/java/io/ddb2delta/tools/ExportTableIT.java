package io.ddb2delta.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.cdc.SdkAttributeValues;
import io.ddb2delta.local.LocalDynamoDb;
import io.ddb2delta.local.LocalS3;
import io.ddb2delta.pipelines.RunSummary;
import io.ddb2delta.testing.DynamoTables;
import io.ddb2delta.testing.JobRuns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * {@code export-table} against DynamoDB Local and s3proxy: a table's items, exported in AWS's
 * layout, load into bronze and silver exactly once each, from a folder and from s3://.
 */
class ExportTableIT {
  private static final int ITEMS = 250;

  @TempDir Path tmp;

  @Test
  void exportsATableThatTheJobLoadsFromAFolderAndFromS3() throws Exception {
    try (LocalDynamoDb dynamo = LocalDynamoDb.start();
        LocalS3 s3 = LocalS3.start()) {
      DynamoDbClient ddb = dynamo.dynamoDb();
      DynamoTables.create(ddb, "orders", "order_id", false);
      SyntheticItems orders = new SyntheticItems(SyntheticTable.ORDERS, 3);
      for (int start = 0; start < ITEMS; start += 25) {
        List<WriteRequest> batch = new ArrayList<>();
        for (int i = start; i < Math.min(ITEMS, start + 25); i++) {
          batch.add(
              WriteRequest.builder()
                  .putRequest(
                      PutRequest.builder()
                          .item(SdkAttributeValues.toSdkItem(orders.item(i)))
                          .build())
                  .build());
        }
        ddb.batchWriteItem(b -> b.requestItems(Map.of("orders", batch)));
      }

      int exit =
          ExportTable.commandLine()
              .execute(
                  "--table=orders",
                  "--output=" + tmp.resolve("exports"),
                  "--segments=3",
                  "--dynamodbEndpoint=" + dynamo.endpoint(),
                  "--export-id=01700000000000-localjson");
      assertThat(exit).isZero();
      RunSummary fromFolder =
          JobRuns.run(
              List.of(
                  "--exportPath="
                      + tmp.resolve("exports/AWSDynamoDB/01700000000000-localjson")
                      + "/",
                  "--deltaRoot=" + tmp.resolve("lake-folder")));
      assertThat(fromFolder.recordsRead()).isEqualTo(ITEMS);
      assertThat(fromFolder.rowsAdded())
          .containsEntry("dynamodb_bronze", (long) ITEMS)
          .containsEntry("orders_silver", (long) ITEMS)
          .containsEntry("dynamodb_quarantine", 0L);

      s3.createBucket("lake-exports");
      List<String> exportArgs =
          new ArrayList<>(
              List.of(
                  "--table=orders",
                  "--output=s3://lake-exports/backfill",
                  "--format=ION",
                  "--segments=2",
                  "--dynamodbEndpoint=" + dynamo.endpoint(),
                  "--export-id=01700000000000-localion"));
      for (String arg : s3.pipelineArgs()) {
        exportArgs.add("--beam-arg=" + arg);
      }
      assertThat(ExportTable.commandLine().execute(exportArgs.toArray(String[]::new))).isZero();
      List<String> loadArgs = new ArrayList<>(s3.pipelineArgs());
      loadArgs.add("--exportPath=s3://lake-exports/backfill/AWSDynamoDB/01700000000000-localion/");
      loadArgs.add("--deltaRoot=" + tmp.resolve("lake-s3"));
      RunSummary fromS3 = JobRuns.run(loadArgs);
      assertThat(fromS3.recordsRead()).isEqualTo(ITEMS);
      assertThat(fromS3.rowsAdded())
          .containsEntry("dynamodb_bronze", (long) ITEMS)
          .containsEntry("orders_silver", (long) ITEMS)
          .containsEntry("dynamodb_quarantine", 0L);
    }
  }
}
