package io.ddb2delta.mapping;

/**
 * A change whose key attributes are not the ones its table's mapping is keyed by, or whose image
 * holds other values for them than its keys: it cannot be placed in a table keyed by the mapping,
 * so it is quarantined rather than typed.
 */
public final class KeyMismatchException extends MappingException {
  /** The stable error class of a quarantine row for such a change. */
  public static final String ERROR_CLASS = "KEY_MISMATCH";

  KeyMismatchException(String column, String message) {
    super(column, message, true);
  }
}
