package io.ddb2delta.change;

/**
 * A source record that cannot become a {@link ChangeRecord}. {@link #errorClass()} is a stable
 * category (for example {@code MALFORMED_JSON}, {@code INVALID_VALUE}, {@code MISSING_KEY}); the
 * message says what is wrong.
 *
 * <p>{@link #UNKNOWN_TABLE} marks a well-formed record of a table the decoder was not configured
 * for: the record is fine, the routing is not.
 */
public class DecodeException extends RuntimeException {
  public static final String MALFORMED_JSON = "MALFORMED_JSON";
  public static final String MALFORMED_ION = "MALFORMED_ION";
  public static final String INVALID_VALUE = "INVALID_VALUE";
  public static final String INVALID_SHAPE = "INVALID_SHAPE";
  public static final String MISSING_KEY = "MISSING_KEY";
  public static final String UNKNOWN_TABLE = "UNKNOWN_TABLE";

  private final String errorClass;

  public DecodeException(String errorClass, String message) {
    super(message);
    this.errorClass = errorClass;
  }

  public DecodeException(String errorClass, String message, Throwable cause) {
    super(message, cause);
    this.errorClass = errorClass;
  }

  public String errorClass() {
    return errorClass;
  }
}
