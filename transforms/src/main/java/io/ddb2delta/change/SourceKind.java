package io.ddb2delta.change;

/** Where a change record came from; {@link #label()} is the value stored in the tables. */
public enum SourceKind {
  EXPORT("export"),
  KINESIS("kinesis"),
  DYNAMODB_STREAMS("dynamodb-streams");

  private final String label;

  SourceKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static SourceKind fromLabel(String label) {
    for (SourceKind kind : values()) {
      if (kind.label.equals(label)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "unknown source \"" + label + "\"; expected export, kinesis or dynamodb-streams");
  }
}
