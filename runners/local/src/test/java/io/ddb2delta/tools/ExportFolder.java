package io.ddb2delta.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads a generated export with plain Jackson and {@link GZIPInputStream}, independently of the
 * code that wrote it.
 */
record ExportFolder(Path root, Path directory) {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The export under {@code root}, whose folder the command printed. */
  static ExportFolder of(Path root, String printed) {
    return new ExportFolder(root, Path.of(printed.strip()));
  }

  JsonNode summary() {
    return json(directory.resolve("manifest-summary.json"));
  }

  List<JsonNode> manifestFiles() {
    List<JsonNode> files = new ArrayList<>();
    for (String line : text(directory.resolve("manifest-files.json")).split("\n")) {
      if (!line.isBlank()) {
        files.add(parse(line));
      }
    }
    return files;
  }

  /**
   * The data file a {@code dataFileS3Key} names, resolved against the folder holding AWSDynamoDB.
   */
  Path dataFile(JsonNode manifestEntry) {
    return root.resolve(manifestEntry.get("dataFileS3Key").asText());
  }

  /** The lines of every data file, in manifest order. */
  List<String> allLines() {
    List<String> lines = new ArrayList<>();
    for (JsonNode file : manifestFiles()) {
      lines.addAll(lines(dataFile(file)));
    }
    return lines;
  }

  static String gunzip(Path file) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines of a gzipped data file; each line, the last too, ends with a newline. */
  static List<String> lines(Path file) {
    String text = gunzip(file);
    if (text.isEmpty()) {
      return List.of();
    }
    if (!text.endsWith("\n")) {
      throw new AssertionError(file + " does not end with a newline");
    }
    return List.of(text.substring(0, text.length() - 1).split("\n", -1));
  }

  static byte[] md5(Path file) {
    try {
      return MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode json(Path file) {
    return parse(text(file));
  }
}
