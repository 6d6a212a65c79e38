package io.ddb2delta.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A DynamoDB export's manifests, read from a local path or any Beam file system ({@code s3://}).
 *
 * <p>Guarantees: the data files are exactly those {@code manifest-files.json} lists, resolved under
 * the export folder (never a glob of {@code data/}); the per-file item counts add up to the
 * summary's {@code itemCount}; any missing manifest or mismatch fails with a message naming the
 * file.
 */
public record ExportManifest(
    String exportFolder,
    String exportId,
    @Nullable String exportArn,
    @Nullable String tableArn,
    String tableName,
    ExportFormat format,
    boolean incremental,
    long exportTimeMicros,
    long itemCount,
    List<ExportDataFile> files)
    implements Serializable {

  static final String SUMMARY = "manifest-summary.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  public ExportManifest {
    files = List.copyOf(files);
  }

  /**
   * Reads the export under {@code exportPath}, the folder {@code .../AWSDynamoDB/<ExportId>/}. The
   * table name comes from the summary's table ARN unless {@code tableNameOverride} is given.
   */
  public static ExportManifest read(String exportPath, @Nullable String tableNameOverride) {
    String folder = exportPath.endsWith("/") ? exportPath : exportPath + "/";
    JsonNode summary = readJson(folder + SUMMARY);
    String format = text(summary, "outputFormat", "DYNAMODB_JSON");
    ExportFormat exportFormat;
    try {
      exportFormat = ExportFormat.valueOf(format.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          folder
              + SUMMARY
              + ": unknown outputFormat \""
              + format
              + "\"; expected DYNAMODB_JSON or ION");
    }
    String exportArn = text(summary, "exportArn", null);
    String exportId = exportIdOf(folder, exportArn);
    String tableArn = text(summary, "tableArn", null);
    String tableName = tableNameOverride != null ? tableNameOverride : tableNameOf(tableArn);
    if (tableName == null) {
      throw new IllegalStateException(
          folder
              + SUMMARY
              + " has no tableArn; pass --tableName to say which table this export is");
    }
    boolean incremental = "INCREMENTAL_EXPORT".equals(text(summary, "exportType", "FULL_EXPORT"));
    long exportTimeMicros =
        timeMicros(summary, incremental ? "exportToTime" : "exportTime", folder + SUMMARY);
    long itemCount = summary.path("itemCount").asLong(-1);
    if (itemCount < 0) {
      throw new IllegalStateException(folder + SUMMARY + " has no itemCount");
    }

    String filesKey = text(summary, "manifestFilesS3Key", null);
    String filesLocation =
        filesKey == null ? folder + "manifest-files.json" : resolve(folder, exportId, filesKey);
    List<ExportDataFile> files = new ArrayList<>();
    long listed = 0;
    int lineNumber = 0;
    for (String line : readLines(filesLocation)) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode entry;
      try {
        entry = JSON.readTree(line);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(
            filesLocation + " line " + lineNumber + " is not JSON: " + e.getOriginalMessage());
      }
      String key = text(entry, "dataFileS3Key", null);
      if (key == null || !entry.has("itemCount")) {
        throw new IllegalStateException(
            filesLocation + " line " + lineNumber + " lacks dataFileS3Key or itemCount");
      }
      long count = entry.get("itemCount").asLong();
      listed += count;
      files.add(
          new ExportDataFile(
              key, resolve(folder, exportId, key), count, text(entry, "md5Checksum", null)));
    }
    if (listed != itemCount) {
      throw new IllegalStateException(
          "export "
              + exportId
              + ": "
              + filesLocation
              + " lists "
              + listed
              + " items in "
              + files.size()
              + " files, but "
              + SUMMARY
              + " says itemCount "
              + itemCount);
    }
    return new ExportManifest(
        folder,
        exportId,
        exportArn,
        tableArn,
        tableName,
        exportFormat,
        incremental,
        exportTimeMicros,
        itemCount,
        files);
  }

  /**
   * Resolves a key as AWS wrote it ({@code [prefix/]AWSDynamoDB/<id>/data/x.json.gz}) against the
   * export folder, so an export copied under another bucket or prefix still reads.
   */
  static String resolve(String folder, String exportId, String key) {
    String marker = "AWSDynamoDB/" + exportId + "/";
    int at = key.indexOf(marker);
    String relative = at >= 0 ? key.substring(at + marker.length()) : key;
    return folder + relative;
  }

  private static String exportIdOf(String folder, @Nullable String exportArn) {
    if (exportArn != null && exportArn.contains("/export/")) {
      return exportArn.substring(exportArn.lastIndexOf('/') + 1);
    }
    String trimmed = folder.substring(0, folder.length() - 1);
    return trimmed.substring(trimmed.lastIndexOf('/') + 1);
  }

  private static @Nullable String tableNameOf(@Nullable String tableArn) {
    if (tableArn == null || !tableArn.contains(":table/")) {
      return null;
    }
    String rest = tableArn.substring(tableArn.indexOf(":table/") + 7);
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  private static long timeMicros(JsonNode node, String field, String file) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalStateException(file + " has no " + field);
    }
    if (v.isNumber()) {
      // AWS's SDK shapes use epoch seconds; accept them as well as ISO text.
      return Math.round(v.asDouble() * 1_000_000d);
    }
    try {
      Instant t = Instant.parse(v.asText());
      return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          file + ": " + field + " \"" + v.asText() + "\" is not an ISO-8601 instant");
    }
  }

  private static @Nullable String text(JsonNode node, String field, @Nullable String dflt) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? dflt : v.asText();
  }

  private static JsonNode readJson(String location) {
    try {
      return JSON.readTree(String.join("\n", readLines(location)));
    } catch (IOException e) {
      throw new IllegalStateException(location + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  static List<String> readLines(String location) {
    List<String> lines = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                ExportFiles.open(
                    location,
                    "export manifest (is --exportPath the folder .../AWSDynamoDB/<ExportId>/ ?)"),
                StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + location + ": " + e, e);
    }
    return lines;
  }
}
