package io.ddb2delta.export;

/** The two data formats of DynamoDB's Export to S3, named as the manifest names them. */
public enum ExportFormat {
  DYNAMODB_JSON(".json.gz"),
  ION(".ion.gz");

  private final String fileSuffix;

  ExportFormat(String fileSuffix) {
    this.fileSuffix = fileSuffix;
  }

  /** The suffix AWS gives the data files of this format. */
  public String fileSuffix() {
    return fileSuffix;
  }
}
