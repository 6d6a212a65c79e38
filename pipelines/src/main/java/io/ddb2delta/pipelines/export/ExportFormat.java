package io.ddb2delta.pipelines.export;

/** The two data formats of DynamoDB's Export to S3. */
public enum ExportFormat {
  DYNAMODB_JSON,
  ION
}
