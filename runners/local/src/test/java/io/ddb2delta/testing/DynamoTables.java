package io.ddb2delta.testing;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** Test tables the way the seed's tables are: one string partition key, on-demand capacity. */
public final class DynamoTables {
  private DynamoTables() {}

  /** Creates the table; with {@code streamed}, a NEW_AND_OLD_IMAGES DynamoDB Stream too. */
  public static TableDescription create(
      DynamoDbClient ddb, String table, String stringKey, boolean streamed) {
    CreateTableRequest.Builder b =
        CreateTableRequest.builder()
            .tableName(table)
            .keySchema(
                KeySchemaElement.builder().attributeName(stringKey).keyType(KeyType.HASH).build())
            .attributeDefinitions(
                AttributeDefinition.builder()
                    .attributeName(stringKey)
                    .attributeType(ScalarAttributeType.S)
                    .build())
            .billingMode(BillingMode.PAY_PER_REQUEST);
    if (streamed) {
      b.streamSpecification(
          s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES));
    }
    return ddb.createTable(b.build()).tableDescription();
  }
}
