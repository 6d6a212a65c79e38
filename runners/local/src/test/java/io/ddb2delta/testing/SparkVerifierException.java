package io.ddb2delta.testing;

/**
 * The Spark verifier could not run, a statement failed, or it timed out; the message ends with its
 * stderr.
 */
public final class SparkVerifierException extends RuntimeException {

  private final String stderrTail;

  SparkVerifierException(String message, String stderrTail) {
    super(
        message + (stderrTail.isEmpty() ? "" : "\n--- verifier stderr (tail) ---\n" + stderrTail));
    this.stderrTail = stderrTail;
  }

  SparkVerifierException(String message, Throwable cause) {
    super(message, cause);
    this.stderrTail = "";
  }

  /**
   * The last lines the verifier wrote to stderr; for a failed statement they name it and its error.
   */
  public String stderrTail() {
    return stderrTail;
  }
}
