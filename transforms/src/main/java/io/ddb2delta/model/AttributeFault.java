package io.ddb2delta.model;

/**
 * An invalid value found while decoding, together with the path of the attribute that holds it.
 *
 * <p>The codecs build the path only on the way out of a failure, one segment per level, so a
 * well-formed item costs nothing for it. Each instance is immutable: {@link #under} returns a new
 * fault. It carries no stack trace of its own; the cause keeps the useful one.
 */
final class AttributeFault extends RuntimeException {
  private final String path;
  private final String reason;

  private AttributeFault(String path, String reason, Throwable cause) {
    super(path + ": " + reason, cause, false, false);
    this.path = path;
    this.reason = reason;
  }

  /** A fault in the value of attribute {@code name}. */
  static AttributeFault at(String name, InvalidValueException cause) {
    return new AttributeFault(name, cause.getMessage(), cause);
  }

  /** A fault in element {@code index} of a list. */
  static AttributeFault at(int index, InvalidValueException cause) {
    return new AttributeFault("[" + index + "]", cause.getMessage(), cause);
  }

  /** The same fault, seen from the map that holds it as attribute {@code name}. */
  AttributeFault under(String name) {
    String joined = path.startsWith("[") ? name + path : name + "." + path;
    return new AttributeFault(joined, reason, getCause());
  }

  /** The same fault, seen from the list that holds it as element {@code index}. */
  AttributeFault under(int index) {
    String joined = path.startsWith("[") ? "[" + index + "]" + path : "[" + index + "]." + path;
    return new AttributeFault(joined, reason, getCause());
  }

  /** The public form: {@code attribute "items[2].price": <reason>}. */
  InvalidValueException toException() {
    return new InvalidValueException("attribute \"" + path + "\": " + reason, getCause());
  }
}
