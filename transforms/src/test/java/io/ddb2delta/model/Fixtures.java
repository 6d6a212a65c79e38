package io.ddb2delta.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Reads the test fixtures under {@code src/test/resources}. */
final class Fixtures {
  private Fixtures() {}

  static String text(String resource) {
    try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> lines(String resource) {
    return text(resource).lines().filter(line -> !line.isBlank()).toList();
  }

  /**
   * The cases of an {@code invalid-items.tsv} fixture: (path or "-", reason fragment, input), one
   * per line, skipping {@code #} comments.
   */
  static Stream<Arguments> invalidCases(String resource) {
    return lines(resource).stream()
        .filter(line -> !line.startsWith("#"))
        .map(
            line -> {
              String[] columns = line.split("\t", 3);
              if (columns.length != 3) {
                throw new IllegalArgumentException("bad fixture line in " + resource + ": " + line);
              }
              return Arguments.of(columns[0], columns[1], columns[2]);
            });
  }
}
