package io.ddb2delta.pipelines.cdc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Loads the hand-written payloads under {@code kinesis-records/}. */
final class KinesisFixtures {
  private KinesisFixtures() {}

  /** The payload bytes of a one-line fixture, without its trailing newline. */
  static byte[] payload(String name) {
    return text(name).getBytes(StandardCharsets.UTF_8);
  }

  static String text(String name) {
    try (InputStream in = KinesisFixtures.class.getResourceAsStream("/kinesis-records/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture kinesis-records/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
