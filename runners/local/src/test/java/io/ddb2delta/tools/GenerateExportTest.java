package io.ddb2delta.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazon.ion.IonDecimal;
import com.amazon.ion.IonException;
import com.amazon.ion.IonList;
import com.amazon.ion.IonReader;
import com.amazon.ion.IonStruct;
import com.amazon.ion.IonSystem;
import com.amazon.ion.IonValue;
import com.amazon.ion.system.IonSystemBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.ddb2delta.export.ExportFormat;
import io.ddb2delta.model.DynamoIon;
import io.ddb2delta.model.DynamoJson;
import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.model.InvalidValueException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

class GenerateExportTest {
  private static final Set<String> ORDER_STATUSES =
      Set.of("pending", "shipped", "completed", "cancelled");

  @TempDir Path temp;

  @Test
  void writesAwsExportLayoutWithMatchingCountsAndChecksums() throws IOException {
    Path root = temp.resolve("out");
    ExportFolder export =
        generate(
            root,
            "--table",
            "orders",
            "--items",
            "50",
            "--files",
            "4",
            "--empty-files",
            "1",
            "--include-edge-items",
            "--seed",
            "7");

    assertThat(root.relativize(export.directory()).toString())
        .matches("AWSDynamoDB/\\d{14}-[0-9a-f]{8}");
    String exportId = export.directory().getFileName().toString();
    assertThat(export.directory().resolve("_started")).isEmptyFile();
    JsonNode summary = export.summary();
    assertThat(fieldNames(summary))
        .containsExactly(
            "version",
            "exportArn",
            "startTime",
            "endTime",
            "tableArn",
            "tableId",
            "exportTime",
            "s3Bucket",
            "s3Prefix",
            "s3SseAlgorithm",
            "s3SseKmsKeyId",
            "manifestFilesS3Key",
            "billedSizeBytes",
            "itemCount",
            "outputFormat");
    assertThat(summary.get("version").asText()).isEqualTo("2020-06-30");
    assertThat(summary.get("outputFormat").asText()).isEqualTo("DYNAMODB_JSON");
    assertThat(summary.get("itemCount").asLong()).isEqualTo(50 + 8);
    assertThat(summary.get("exportArn").asText())
        .isEqualTo("arn:aws:dynamodb:us-east-1:123456789012:table/orders/export/" + exportId);
    assertThat(summary.get("tableArn").asText())
        .isEqualTo("arn:aws:dynamodb:us-east-1:123456789012:table/orders");
    assertThat(root.resolve(summary.get("manifestFilesS3Key").asText()))
        .isEqualTo(export.directory().resolve("manifest-files.json"));
    assertThat(Instant.parse(summary.get("startTime").asText()))
        .isBefore(Instant.parse(summary.get("endTime").asText()));

    List<JsonNode> files = assertManifestsMatchTheData(export);
    assertThat(files).hasSize(4);
    for (JsonNode file : files) {
      assertThat(file.get("dataFileS3Key").asText())
          .matches("AWSDynamoDB/" + exportId + "/data/[a-z2-7]{26}\\.json\\.gz");
    }
    assertThat(files).filteredOn(f -> f.get("itemCount").asLong() == 0).hasSize(1);
    try (Stream<Path> data = Files.list(export.directory().resolve("data"))) {
      assertThat(data).hasSize(4);
    }
  }

  @Test
  void aFirstItemStartsTheKeysThere() throws IOException {
    ExportFolder export = generate(temp, "--items", "3", "--first-item", "1000000");
    List<String> ids = new ArrayList<>();
    for (String line : export.allLines()) {
      ids.add(ExportFolder.parse(line).get("Item").get("order_id").get("S").asText());
    }
    assertThat(ids).containsExactlyInAnyOrder("ord-001000000", "ord-001000001", "ord-001000002");
  }

  @Test
  void everyOrderHasTheMappedAttributesWithTheirTypesAndAMixOfExtras() throws IOException {
    ExportFolder export = generate(temp, "--items", "300", "--include-edge-items", "--seed", "3");

    List<JsonNode> items = new ArrayList<>();
    for (String line : export.allLines()) {
      JsonNode parsed = ExportFolder.parse(line);
      assertThat(fieldNames(parsed)).containsExactly("Item");
      items.add(parsed.get("Item"));
    }
    assertThat(items).hasSize(308);
    Set<String> ids = new HashSet<>();
    for (JsonNode item : items) {
      assertMappedOrderAttributes(item);
      String id = item.get("order_id").get("S").asText();
      assertThat(ids.add(id)).as("unique " + id).isTrue();
    }
    List<JsonNode> synthetic =
        items.stream().filter(i -> !i.get("order_id").get("S").asText().contains("edge")).toList();
    for (JsonNode item : synthetic) {
      double amount = Double.parseDouble(item.get("amount").get("N").asText());
      assertThat(amount).isBetween(5.00, 2000.00);
      assertThat(item.get("shipping_address").has("M")).isTrue();
      assertThat(item.get("line_items").get("L").get(0).has("M")).isTrue();
      assertThat(item.get("gift").has("BOOL")).isTrue();
    }
    assertThat(synthetic).anyMatch(i -> i.has("tags") && i.get("tags").has("SS"));
    assertThat(synthetic).anyMatch(i -> !i.has("tags"));
    assertThat(synthetic).anyMatch(i -> i.has("coupon") && i.get("coupon").has("NULL"));
    assertThat(synthetic).anyMatch(i -> i.has("coupon") && i.get("coupon").has("S"));
    assertThat(synthetic).anyMatch(i -> !i.has("coupon"));
  }

  @Test
  void theSameSeedGivesByteIdenticalOutput() throws IOException {
    String[] options = {
      "--items", "120", "--include-edge-items", "--bad-lines", "6", "--seed", "11"
    };
    ExportFolder first = generate(temp.resolve("a"), options);
    ExportFolder second = generate(temp.resolve("b"), options);
    ExportFolder otherSeed =
        generate(
            temp.resolve("c"),
            "--items",
            "120",
            "--include-edge-items",
            "--bad-lines",
            "6",
            "--seed",
            "12");

    Map<String, byte[]> a = contents(temp.resolve("a"));
    Map<String, byte[]> b = contents(temp.resolve("b"));
    assertThat(a.keySet()).isEqualTo(b.keySet()).hasSize(9);
    for (String file : a.keySet()) {
      assertThat(b.get(file)).as(file).isEqualTo(a.get(file));
    }
    assertThat(first.directory().getFileName()).isEqualTo(second.directory().getFileName());
    assertThat(otherSeed.allLines()).isNotEqualTo(first.allLines());
  }

  @Test
  void ionExportParsesWithIonJava() throws IOException {
    ExportFolder export =
        generate(temp, "--format", "ION", "--items", "60", "--files", "3", "--include-edge-items");

    assertThat(export.summary().get("outputFormat").asText()).isEqualTo("ION");
    IonSystem ion = IonSystemBuilder.standard().build();
    List<IonStruct> items = new ArrayList<>();
    for (JsonNode file : export.manifestFiles()) {
      assertThat(file.get("dataFileS3Key").asText()).endsWith(".ion.gz");
      String text = ExportFolder.gunzip(export.dataFile(file));
      assertThat(text).startsWith("$ion_1_0 {Item:{");
      int count = 0;
      for (IonValue value : ion.getLoader().load(text)) {
        IonStruct line = (IonStruct) value;
        assertThat(line.size()).isEqualTo(1);
        items.add((IonStruct) line.get("Item"));
        count++;
      }
      assertThat(file.get("itemCount").asLong()).isEqualTo(count);
    }
    assertThat(items).hasSize(68);
    for (IonStruct item : items) {
      assertThat(item.get("amount")).isInstanceOf(IonDecimal.class);
    }
    assertThat(items)
        .anyMatch(
            i ->
                i.get("tags") instanceof IonList tags
                    && List.of(tags.getTypeAnnotations()).equals(List.of("$dynamodb_SS")));
    assertThat(items)
        .anyMatch(
            i ->
                i.get("lucky_numbers") instanceof IonList numbers
                    && List.of(numbers.getTypeAnnotations()).equals(List.of("$dynamodb_NS")));
  }

  @Test
  void badLinesArePresentSpreadOverTheFilesAndCounted() throws IOException {
    ExportFolder export = generate(temp, "--items", "90", "--files", "3", "--bad-lines", "12");

    assertThat(export.summary().get("itemCount").asLong()).isEqualTo(102);
    List<String> lines = export.allLines();
    assertThat(lines).hasSize(102);
    assertThat(lines.stream().filter(l -> !parses(l))).hasSize(2);
    assertThat(lines).filteredOn(l -> l.contains("{\"X\":\"1\"}")).hasSize(2);
    assertThat(lines)
        .filteredOn(l -> l.contains("\"123456789012345678901234567890123456789\""))
        .hasSize(2);
    assertThat(lines).filteredOn(l -> l.contains("[\"gift\",\"rush\",\"gift\"]")).hasSize(2);
    assertThat(lines).filteredOn(l -> l.contains("{\"B\":\"not*base64!\"}")).hasSize(2);
    assertThat(lines)
        .filteredOn(l -> parses(l) && !ExportFolder.parse(l).get("Item").has("order_id"))
        .hasSize(2);
    for (JsonNode file : export.manifestFiles()) {
      assertThat(ExportFolder.lines(export.dataFile(file)))
          .as("bad lines in " + file.get("dataFileS3Key"))
          .anyMatch(l -> l.contains("bad-"));
    }
  }

  @ParameterizedTest
  @EnumSource(ExportFormat.class)
  void theCodecsReadEveryGoodLineAndRejectEveryBadValue(ExportFormat format) throws IOException {
    ExportFolder export =
        generate(
            temp,
            "--format",
            format.name(),
            "--items",
            "40",
            "--include-edge-items",
            "--bad-lines",
            "6");

    int good = 0;
    List<String> rejected = new ArrayList<>();
    for (String line : export.allLines()) {
      try {
        Map<String, DynamoValue> item = readItem(format, line);
        assertThat(
                item.containsKey("order_id")
                    || line.contains("\"amount\":{\"N\":\"12.00\"}")
                    || line.contains("{Item:{amount:12.00,"))
            .as(line)
            .isTrue();
        good++;
      } catch (InvalidValueException e) {
        rejected.add(line);
      }
    }
    // The sixth bad line is well formed but lacks its key: only a table mapping can reject it.
    assertThat(good).isEqualTo(40 + 8 + 1);
    assertThat(rejected).hasSize(5).allMatch(l -> l.contains("bad-00000"));
  }

  private static Map<String, DynamoValue> readItem(ExportFormat format, String line)
      throws IOException {
    if (format == ExportFormat.ION) {
      try (IonReader reader = DynamoIon.system().newReader(line)) {
        reader.next();
        reader.stepIn();
        reader.next();
        return DynamoIon.readItem(reader);
      } catch (IonException e) {
        throw new InvalidValueException("malformed Ion: " + e.getMessage());
      }
    }
    try (JsonParser parser = DynamoJson.factory().createParser(line)) {
      parser.nextToken();
      parser.nextFieldName();
      parser.nextToken();
      return DynamoJson.readItem(parser);
    }
  }

  @Test
  void incrementalExportMixesInsertsUpdatesAndDeletesInsideTheWindow() throws IOException {
    ExportFolder export = generate(temp, "--type", "INCREMENTAL", "--items", "200");

    JsonNode summary = export.summary();
    assertThat(summary.get("version").asText()).isEqualTo("2023-08-01");
    assertThat(summary.get("exportType").asText()).isEqualTo("INCREMENTAL_EXPORT");
    assertThat(summary.get("outputView").asText()).isEqualTo("NEW_AND_OLD_IMAGES");
    Instant from = Instant.parse(summary.get("exportFromTime").asText());
    Instant to = Instant.parse(summary.get("exportToTime").asText());
    assertThat(from).isBefore(to);

    int inserts = 0;
    int updates = 0;
    int deletes = 0;
    Set<String> keys = new HashSet<>();
    for (String line : export.allLines()) {
      JsonNode change = ExportFolder.parse(line);
      long micros =
          Long.parseLong(change.get("Metadata").get("WriteTimestampMicros").get("N").asText());
      assertThat(micros)
          .isBetween(
              ChronoUnit.MICROS.between(Instant.EPOCH, from),
              ChronoUnit.MICROS.between(Instant.EPOCH, to));
      String key = typed(change.get("Keys"), "order_id", "S");
      assertThat(keys.add(key)).as("one final state per key: " + key).isTrue();
      boolean hasOld = change.has("OldImage");
      boolean hasNew = change.has("NewImage");
      if (hasNew) {
        assertThat(typed(change.get("NewImage"), "order_id", "S")).isEqualTo(key);
      }
      if (hasOld) {
        assertThat(typed(change.get("OldImage"), "order_id", "S")).isEqualTo(key);
      }
      if (hasNew && !hasOld) {
        inserts++;
      } else if (hasNew) {
        updates++;
      } else {
        assertThat(hasOld).as("a delete keeps its old image").isTrue();
        deletes++;
      }
    }
    assertThat(inserts + updates + deletes).isEqualTo(200);
    assertThat(inserts).isPositive();
    assertThat(updates).isPositive();
    assertThat(deletes).isPositive();
  }

  @Test
  void refusesEdgeItemsForTablesOtherThanOrders() {
    StringWriter err = new StringWriter();
    CommandLine cli = GenerateExport.commandLine();
    cli.setErr(new PrintWriter(err));

    int exit = cli.execute("--table", "users", "--include-edge-items", "--output", temp.toString());

    assertThat(exit).isNotZero();
    assertThat(err.toString()).contains("--include-edge-items needs --table orders");
  }

  private static ExportFolder generate(Path root, String... options) {
    StringWriter out = new StringWriter();
    CommandLine cli = GenerateExport.commandLine();
    cli.setOut(new PrintWriter(out));
    List<String> args = new ArrayList<>(List.of(options));
    args.add("--output");
    args.add(root.toString());

    assertThat(cli.execute(args.toArray(String[]::new))).isZero();
    return ExportFolder.of(root, out.toString());
  }

  /**
   * Checks what every export must satisfy: each checksum file holds its manifest's hex MD5, each
   * listed data file exists with the listed MD5 and as many lines as its itemCount, and the counts
   * add up to the summary's. Returns the manifest's file entries.
   */
  static List<JsonNode> assertManifestsMatchTheData(ExportFolder export) {
    assertThat(export.directory().resolve("_started")).isEmptyFile();
    for (String manifest : List.of("manifest-summary", "manifest-files")) {
      Path json = export.directory().resolve(manifest + ".json");
      assertThat(ExportFolder.text(export.directory().resolve(manifest + ".checksum")))
          .isEqualTo(HexFormat.of().formatHex(ExportFolder.md5(json)));
    }

    List<JsonNode> files = export.manifestFiles();
    long total = 0;
    for (JsonNode file : files) {
      assertThat(fieldNames(file))
          .containsExactly("itemCount", "md5Checksum", "etag", "dataFileS3Key");
      Path data = export.dataFile(file);
      assertThat(data).isRegularFile();
      byte[] md5 = ExportFolder.md5(data);
      assertThat(file.get("md5Checksum").asText())
          .isEqualTo(Base64.getEncoder().encodeToString(md5));
      assertThat(file.get("etag").asText()).isEqualTo(HexFormat.of().formatHex(md5));
      List<String> lines = ExportFolder.lines(data);
      assertThat(file.get("itemCount").asLong()).isEqualTo(lines.size());
      total += lines.size();
    }
    assertThat(total).isEqualTo(export.summary().get("itemCount").asLong());
    return files;
  }

  /** The attributes a table mapping of {@code orders} maps, with their types and formats. */
  static void assertMappedOrderAttributes(JsonNode item) {
    assertThat(typed(item, "order_id", "S")).matches("ord-\\d{9}|ord-edge-\\d{2}");
    assertThat(typed(item, "customer_id", "S")).matches("user-\\d{7}");
    assertThat(typed(item, "product_id", "S")).matches("prod-\\d{5}");
    assertThat(typed(item, "amount", "N")).matches("-?\\d+\\.\\d{2}");
    assertThat(typed(item, "status", "S")).isIn(ORDER_STATUSES);
    String createdAt = typed(item, "created_at", "S");
    assertThat(createdAt).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
    assertThat(Instant.parse(createdAt)).isAfter(Instant.parse("2024-01-01T00:00:00Z"));
  }

  /** The value of attribute {@code name}, which must carry exactly the type tag {@code tag}. */
  static String typed(JsonNode item, String name, String tag) {
    JsonNode value = item.get(name);
    assertThat(value).as(name).isNotNull();
    assertThat(fieldNames(value)).as(name).containsExactly(tag);
    assertThat(value.get(tag).isTextual()).as(name + " is a JSON string").isTrue();
    return value.get(tag).asText();
  }

  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static boolean parses(String line) {
    try {
      ExportFolder.JSON.readTree(line);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Map<String, byte[]> contents(Path root) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(file).toString(), Files.readAllBytes(file));
      }
    }
    return files;
  }
}
