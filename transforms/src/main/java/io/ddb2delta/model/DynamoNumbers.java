package io.ddb2delta.model;

import java.math.BigDecimal;

/**
 * DynamoDB's number rules: at most 38 significant digits, and a magnitude of zero or from 1E-130 up
 * to but not including 1E+126.
 */
public final class DynamoNumbers {
  public static final int MAX_PRECISION = 38;
  private static final BigDecimal MIN_MAGNITUDE = new BigDecimal("1E-130");
  private static final BigDecimal MAX_MAGNITUDE_EXCLUSIVE = new BigDecimal("1E+126");

  private DynamoNumbers() {}

  /** Parses DynamoDB number text exactly; rejects what DynamoDB rejects. */
  /**
   * Validates DynamoDB number text; returns its value, or null when the text is short and plain
   * enough that its characters alone prove it valid (the caller may parse it later).
   */
  static BigDecimal parseIfNeeded(String text) {
    if (isShortPlain(text) && isWellFormedPlain(text)) {
      return null;
    }
    return parse(text);
  }

  /** One optional sign, then digits with at most one point, and at least one digit. */
  private static boolean isWellFormedPlain(String text) {
    int i = text.charAt(0) == '-' || text.charAt(0) == '+' ? 1 : 0;
    boolean digit = false;
    boolean point = false;
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '.') {
        if (point) {
          return false;
        }
        point = true;
      } else if (c >= '0' && c <= '9') {
        digit = true;
      } else {
        return false;
      }
    }
    return digit;
  }

  public static BigDecimal parse(String text) {
    if (isShortPlain(text)) {
      // At most 38 characters of digits, sign and point, no exponent: at most 38 digits, and a
      // magnitude of zero or between 1E-37 and 1E38, so it is always within DynamoDB's limits.
      try {
        return new BigDecimal(text);
      } catch (NumberFormatException e) {
        throw new InvalidValueException("N value \"" + abbreviate(text) + "\" is not a number");
      }
    }
    BigDecimal value;
    try {
      value = new BigDecimal(text.strip());
    } catch (NumberFormatException e) {
      throw new InvalidValueException("N value \"" + abbreviate(text) + "\" is not a number");
    }
    validate(value, text);
    return value;
  }

  private static boolean isShortPlain(String text) {
    int n = text.length();
    if (n == 0 || n > MAX_PRECISION) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if ((c < '0' || c > '9') && c != '.' && c != '-' && c != '+') {
        return false;
      }
    }
    return true;
  }

  static void validate(BigDecimal value, String text) {
    if (value.signum() == 0) {
      return;
    }
    BigDecimal normalized = normalize(value);
    if (normalized.precision() > MAX_PRECISION) {
      throw new InvalidValueException(
          "N value \""
              + abbreviate(text)
              + "\" has "
              + normalized.precision()
              + " significant digits; DynamoDB allows at most 38");
    }
    BigDecimal magnitude = normalized.abs();
    if (magnitude.compareTo(MIN_MAGNITUDE) < 0
        || magnitude.compareTo(MAX_MAGNITUDE_EXCLUSIVE) >= 0) {
      throw new InvalidValueException(
          "N value \""
              + abbreviate(text)
              + "\" is out of DynamoDB's range (magnitude 1E-130 to below 1E+126)");
    }
  }

  /** The value with trailing zeros removed, so equal numbers compare and hash alike. */
  public static BigDecimal normalize(BigDecimal value) {
    return value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
  }

  /** Plain text when it is short, scientific otherwise: the shortest faithful form. */
  public static String canonicalText(BigDecimal value) {
    BigDecimal n = normalize(value);
    String plain = n.toPlainString();
    String sci = n.toString();
    return plain.length() <= sci.length() ? plain : sci;
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
