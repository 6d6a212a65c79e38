package io.ddb2delta.delta;

/** A Delta table cannot be created, read or written as ddb2delta needs; the message says why. */
public class DeltaTableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DeltaTableException(String message) {
    super(message);
  }

  public DeltaTableException(String message, Throwable cause) {
    super(message, cause);
  }
}
