package io.ddb2delta.pipelines;

import org.apache.beam.sdk.io.aws2.options.S3Options;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * The options of a ddb2delta run. AWS settings ({@code --awsRegion}, {@code --endpoint}, {@code
 * --awsCredentialsProvider}, {@code --s3ClientFactoryClass}) come from Beam's AWS options, which
 * are registered alongside.
 */
public interface Ddb2DeltaOptions extends S3Options {

  @Description(
      "Where records come from. 'export' reads a DynamoDB Export to S3 (full or incremental,"
          + " DYNAMODB_JSON or ION).")
  @Default.String("export")
  String getSource();

  void setSource(String value);

  @Description(
      "The export folder .../AWSDynamoDB/<ExportId>/, as a local path or s3:// URL. When empty,"
          + " the sample export shipped with ddb2delta is loaded.")
  @Default.String("")
  String getExportPath();

  void setExportPath(String value);

  @Description(
      "The DynamoDB table. Selects the shipped mapping (users, orders, products, transactions)"
          + " unless --tableConfig is given. When empty, taken from the export's table ARN.")
  @Default.String("")
  String getTableName();

  void setTableName(String value);

  @Description("A table mapping YAML file; overrides the shipped mapping for --tableName.")
  @Default.String("")
  String getTableConfig();

  void setTableConfig(String value);

  @Description("The folder (local path or Hadoop URI) under which the Delta tables live.")
  @Default.String("lakehouse")
  String getDeltaRoot();

  void setDeltaRoot(String value);

  @Description("The size at which a Parquet data file is rolled, in MiB.")
  @Default.Integer(128)
  int getTargetFileSizeMb();

  void setTargetFileSizeMb(int value);

  @Description(
      "When set, the run summary is also written to this file as JSON (records, rows per table,"
          + " wall and CPU seconds, peak RSS), for benchmarks and orchestration.")
  @Default.String("")
  String getSummaryFile();

  void setSummaryFile(String value);

  @Description("Seconds between progress lines; 0 prints none.")
  @Default.Integer(5)
  int getProgressIntervalSeconds();

  void setProgressIntervalSeconds(int value);
}
