package io.ddb2delta.tools;

import io.ddb2delta.export.ExportFormat;
import java.util.Locale;

/**
 * Deliberately invalid export lines, for quarantine tests. Line {@code n} is of kind {@code
 * Kind.values()[n % 6]} and otherwise looks like a real line of the table, with the key {@code
 * bad-<n>} (except the line that lacks its key).
 *
 * <p>In ION, where values carry no type tags, an unknown annotation stands in for an unknown tag,
 * and a blob with characters outside base64 for invalid base64; both break the Ion syntax of that
 * line only.
 */
final class BadLines {

  /** What is wrong with a bad line. */
  enum Kind {
    MALFORMED,
    UNKNOWN_TYPE_TAG,
    NUMBER_WITH_39_DIGITS,
    DUPLICATE_SET_MEMBERS,
    INVALID_BASE64,
    MISSING_KEY_ATTRIBUTE
  }

  private BadLines() {}

  static Kind kind(int n) {
    return Kind.values()[n % Kind.values().length];
  }

  static String key(int n) {
    return String.format(Locale.ROOT, "bad-%06d", n);
  }

  /** Bad line {@code n} of an export of {@code table}. */
  static String line(
      ExportFormat format, ExportType type, SyntheticTable table, int n, long writeMicros) {
    String key = table.keyAttribute();
    boolean json = format == ExportFormat.DYNAMODB_JSON;
    String keyPart = json ? q(key) + ":{\"S\":" + q(key(n)) + "}" : key + ":" + q(key(n));
    String status = json ? "\"status\":{\"S\":\"pending\"}" : "status:\"pending\"";
    String body =
        switch (kind(n)) {
          case MALFORMED ->
              json
                  ? keyPart + ",\"amount\":{\"N\":\"12.00\"}," + status + ",\"notes\":{\"S\":\"cut"
                  : keyPart + ",amount:12.00 " + status;
          case UNKNOWN_TYPE_TAG ->
              json
                  ? keyPart + ",\"amount\":{\"X\":\"1\"}," + status
                  : keyPart + ",amount:$dynamodb_X::[\"1\"]," + status;
          case NUMBER_WITH_39_DIGITS ->
              json
                  ? keyPart
                      + ",\"amount\":{\"N\":\"123456789012345678901234567890123456789\"},"
                      + status
                  : keyPart + ",amount:123456789012345678901234567890123456789.," + status;
          case DUPLICATE_SET_MEMBERS ->
              json
                  ? keyPart + ",\"tags\":{\"SS\":[\"gift\",\"rush\",\"gift\"]}," + status
                  : keyPart + ",tags:$dynamodb_SS::[\"gift\",\"rush\",\"gift\"]," + status;
          case INVALID_BASE64 ->
              json
                  ? keyPart + ",\"receipt\":{\"B\":\"not*base64!\"}," + status
                  : keyPart + ",receipt:{{not*base64!}}," + status;
          case MISSING_KEY_ATTRIBUTE ->
              json ? "\"amount\":{\"N\":\"12.00\"}," + status : "amount:12.00," + status;
        };
    // A MALFORMED JSON line stops mid-string: it is cut off, as a torn write would be.
    boolean cut = json && kind(n) == Kind.MALFORMED;
    String image = cut ? "{" + body : "{" + body + "}";
    String keys = kind(n) == Kind.MISSING_KEY_ATTRIBUTE ? "{}" : "{" + keyPart + "}";
    if (type == ExportType.FULL) {
      return json ? "{\"Item\":" + image + (cut ? "" : "}") : "{Item:" + image + "}";
    }
    String micros = Long.toString(writeMicros);
    return json
        ? "{\"Metadata\":{\"WriteTimestampMicros\":{\"N\":\""
            + micros
            + "\"}},\"Keys\":"
            + keys
            + ",\"NewImage\":"
            + image
            + (cut ? "" : "}")
        : "{Metadata:{WriteTimestampMicros:"
            + micros
            + ".},Keys:"
            + keys
            + ",NewImage:"
            + image
            + "}";
  }

  private static String q(String text) {
    return "\"" + text + "\"";
  }
}
