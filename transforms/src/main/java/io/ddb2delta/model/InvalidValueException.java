package io.ddb2delta.model;

/**
 * A value that DynamoDB would not accept or that cannot be decoded. The message says what is wrong
 * in words a person can act on; callers add the source and the position.
 */
public class InvalidValueException extends RuntimeException {
  public InvalidValueException(String message) {
    super(message);
  }

  public InvalidValueException(String message, Throwable cause) {
    super(message, cause);
  }
}
