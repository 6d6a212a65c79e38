package io.ddb2delta.mapping;

/**
 * A record that cannot be typed into its silver row. The message names the column and the reason.
 */
public class MappingException extends RuntimeException {
  private final String column;

  public MappingException(String column, String reason) {
    super("column " + column + ": " + reason);
    this.column = column;
  }

  /** An exception whose message is {@code message} as given, about {@code column}. */
  MappingException(String column, String message, boolean whole) {
    super(message);
    this.column = column;
  }

  public String column() {
    return column;
  }
}
