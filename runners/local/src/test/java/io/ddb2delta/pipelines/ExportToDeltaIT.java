package io.ddb2delta.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.export.ExportFormat;
import io.ddb2delta.local.LocalS3;
import io.ddb2delta.testing.JobRuns;
import io.ddb2delta.testing.QueryResult;
import io.ddb2delta.testing.ShippedSql;
import io.ddb2delta.testing.SparkVerifier;
import io.ddb2delta.tools.ExportType;
import io.ddb2delta.tools.ExportWriter;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads exports end to end on the DirectRunner (immutability and encodability checks on) and reads
 * every table back with Spark 3.5 + delta-spark, the independent reader that stands for Databricks.
 * Expected values are written by hand from the fixture files.
 */
class ExportToDeltaIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant EXPORT_TIME = Instant.parse("2023-11-14T22:13:20Z");
  private static final String EXPORT_TIMESTAMP = "2023-11-14T22:13:20.000000Z";

  @TempDir Path tmp;

  private static Path resource(String name) {
    try {
      return Path.of(ExportToDeltaIT.class.getResource("/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> lines(String name) {
    try (InputStream in = ExportToDeltaIT.class.getResourceAsStream("/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String withoutIonMarker(String line) {
    return line.startsWith("$ion_1_0 ") ? line.substring("$ion_1_0 ".length()) : line;
  }

  private Path export(String exportId, ExportFormat format, List<List<String>> files)
      throws IOException {
    ExportWriter.Export export =
        ExportWriter.write(
            tmp.resolve("exports"),
            new ExportWriter.Description(
                "orders", "tbl-0001", exportId, format, ExportType.FULL, EXPORT_TIME, null),
            files);
    return export.directory();
  }

  private static RunSummary run(String... args) {
    return JobRuns.run(List.of(args));
  }

  private static String table(Path root, String name) {
    return "delta.`" + root.resolve(name).toAbsolutePath() + "`";
  }

  @Test
  void edgeItemsBadLinesAndRerunInBothFormatsAsSparkReadsThem() throws IOException {
    List<String> jsonEdges = lines("edge-items/edge-orders.jsonl");
    List<String> jsonBad = lines("export-lines/bad-lines.jsonl");
    Path jsonExport =
        export(
            "01700000000000-edgejson",
            ExportFormat.DYNAMODB_JSON,
            List.of(jsonEdges, jsonBad, List.of()));
    List<String> ionEdges =
        lines("edge-items/edge-orders.ion").stream()
            .map(ExportToDeltaIT::withoutIonMarker)
            .toList();
    List<String> ionBad = lines("edge-items/bad-ion-lines.ion");
    Path ionExport = export("01700000000000-edgeion", ExportFormat.ION, List.of(ionEdges, ionBad));
    String mapping = resource("edge-items/edge-orders.yaml").toString();
    Path jsonRoot = tmp.resolve("lake-json");
    Path ionRoot = tmp.resolve("lake-ion");

    RunSummary json =
        run(
            "--exportPath=" + jsonExport + "/",
            "--deltaRoot=" + jsonRoot,
            "--tableConfig=" + mapping);
    RunSummary ion =
        run(
            "--exportPath=" + ionExport + "/",
            "--deltaRoot=" + ionRoot,
            "--tableConfig=" + mapping);
    RunSummary again =
        run(
            "--exportPath=" + jsonExport + "/",
            "--deltaRoot=" + jsonRoot,
            "--tableConfig=" + mapping);

    // 5 edge items + 8 bad lines, of which 7 fail to decode and 1 (amount overflow) fails to map.
    assertThat(json.recordsRead()).isEqualTo(13);
    assertThat(json.rowsAdded())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("dynamodb_bronze", 6L, "edge_orders_silver", 5L, "dynamodb_quarantine", 8L));
    // 5 edge items + 3 bad Ion lines, none of which decodes.
    assertThat(ion.rowsAdded())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("dynamodb_bronze", 5L, "edge_orders_silver", 5L, "dynamodb_quarantine", 3L));
    assertThat(again.alreadyLoaded()).isTrue();
    assertThat(again.rowsAdded().values()).containsOnly(0L);

    String silverColumns =
        "order_id, customer_id, order_amount, created_at, n38, blob, tags, scores, blobs, city,"
            + " first_sku, labels, coupon, note, event_type, event_timestamp, _attributes";
    List<QueryResult> r =
        SparkVerifier.query(
            "SELECT count(*) FROM " + table(jsonRoot, "dynamodb_bronze"),
            "SELECT count(*) FROM " + table(jsonRoot, "edge_orders_silver"),
            "SELECT count(*) FROM " + table(jsonRoot, "dynamodb_quarantine"),
            "DESCRIBE TABLE " + table(jsonRoot, "edge_orders_silver"),
            "SELECT "
                + silverColumns
                + " FROM "
                + table(jsonRoot, "edge_orders_silver")
                + " ORDER BY order_id",
            "SELECT event_id, event_type, keys, new_image, old_image, event_timestamp, source, source_position, event_date FROM "
                + table(jsonRoot, "dynamodb_bronze")
                + " ORDER BY event_id",
            "SELECT source_position, stage, error_class, error_message, raw FROM "
                + table(jsonRoot, "dynamodb_quarantine")
                + " ORDER BY source_position",
            "SELECT "
                + silverColumns
                + " FROM "
                + table(ionRoot, "edge_orders_silver")
                + " ORDER BY order_id",
            "SELECT count(*) FROM " + table(ionRoot, "dynamodb_bronze"),
            "SELECT error_class, raw FROM "
                + table(ionRoot, "dynamodb_quarantine")
                + " ORDER BY source_position",
            "DESCRIBE HISTORY " + table(jsonRoot, "dynamodb_bronze"),
            "DESCRIBE DETAIL " + table(jsonRoot, "dynamodb_bronze"));
    // The shipped SQL, as Databricks would run it: register the tables, then re-check the load.
    List<String> shipped = new ArrayList<>();
    Map<String, String> vars =
        Map.of(
            "catalog_schema", "ddb2delta_it",
            "delta_root", jsonRoot.toAbsolutePath().toString(),
            "export_id", "01700000000000-edgejson");
    shipped.addAll(ShippedSql.registrations(vars));
    shipped.addAll(ShippedSql.statements("checks/reconcile_export.sql", vars));
    List<QueryResult> sql = SparkVerifier.query(shipped);
    QueryResult reconciled = sql.get(sql.size() - 1);
    // Per data file, from the fixtures: the edge file's 5 items all reach bronze; the bad-lines
    // file's 8 lines are 1 bronze row (which then fails to map) and 7 decode failures.
    assertThat(reconciled.rows())
        .extracting(row -> row.subList(1, 5))
        .containsExactlyInAnyOrder(List.of(5L, 0L, 0L, 5L), List.of(1L, 7L, 1L, 8L));

    assertThat(r.get(0).singleValue()).isEqualTo(6L);
    assertThat(r.get(1).singleValue()).isEqualTo(5L);
    assertThat(r.get(2).singleValue()).isEqualTo(8L);

    Map<String, String> types = new java.util.LinkedHashMap<>();
    for (Map<String, Object> row : r.get(3).rowsAsMaps()) {
      if (row.get("col_name") != null
          && !((String) row.get("col_name")).isBlank()
          && !((String) row.get("col_name")).startsWith("#")) {
        types.putIfAbsent((String) row.get("col_name"), (String) row.get("data_type"));
      }
    }
    assertThat(types)
        .containsExactly(
            Map.entry("order_id", "string"),
            Map.entry("customer_id", "string"),
            Map.entry("order_amount", "decimal(10,2)"),
            Map.entry("created_at", "timestamp"),
            Map.entry("n38", "decimal(38,0)"),
            Map.entry("blob", "binary"),
            Map.entry("tags", "array<string>"),
            Map.entry("scores", "array<decimal(10,2)>"),
            Map.entry("blobs", "array<binary>"),
            Map.entry("city", "string"),
            Map.entry("first_sku", "string"),
            Map.entry("labels", "map<string,string>"),
            Map.entry("coupon", "string"),
            Map.entry("note", "string"),
            Map.entry("event_type", "string"),
            Map.entry("event_timestamp", "timestamp"),
            Map.entry("_attributes", "string"));

    checkSilverEdges(r.get(4), true);
    checkSilverEdges(r.get(7), false);

    List<Map<String, Object>> bronze = r.get(5).rowsAsMaps();
    assertThat(bronze).hasSize(6);
    for (Map<String, Object> row : bronze) {
      assertThat(row.get("event_type")).isEqualTo("SNAPSHOT");
      assertThat(row.get("source")).isEqualTo("export");
      assertThat(row.get("old_image")).isNull();
      assertThat(row.get("event_timestamp")).isEqualTo(EXPORT_TIMESTAMP);
      assertThat(row.get("event_date")).isEqualTo("2023-11-14");
      assertThat((String) row.get("source_position"))
          .startsWith("export 01700000000000-edgejson file ");
    }
    // Bronze keeps each image exactly as the export line held it.
    List<String> expectedImages = new ArrayList<>();
    for (String line : jsonEdges) {
      expectedImages.add(line.substring("{\"Item\":".length(), line.length() - 1));
    }
    expectedImages.add(
        jsonBad.get(7).substring("{\"Item\":".length(), jsonBad.get(7).length() - 1));
    assertThat(bronze)
        .extracting(m -> (String) m.get("new_image"))
        .containsExactlyInAnyOrderElementsOf(expectedImages);
    assertThat(bronze)
        .extracting(m -> (String) m.get("keys"))
        .contains("{\"order_id\":{\"S\":\"edge-null\"}}");

    List<Map<String, Object>> quarantine = r.get(6).rowsAsMaps();
    assertThat(quarantine)
        .extracting(m -> (String) m.get("raw"))
        .containsExactlyInAnyOrderElementsOf(jsonBad);
    assertThat(quarantine)
        .extracting(m -> m.get("error_class"))
        .containsExactlyInAnyOrder(
            "MALFORMED_JSON",
            "INVALID_VALUE",
            "INVALID_VALUE",
            "INVALID_VALUE",
            "INVALID_VALUE",
            "MISSING_KEY",
            "INVALID_SHAPE",
            "MAPPING");
    for (Map<String, Object> row : quarantine) {
      String message = (String) row.get("error_message");
      assertThat(message).startsWith(row.get("source_position") + ": ");
      assertThat((String) row.get("source_position"))
          .matches("export 01700000000000-edgejson file .*/data/.* line [1-8]");
    }
    Map<String, Object> overflow =
        quarantine.stream()
            .filter(m -> "MAPPING".equals(m.get("error_class")))
            .findFirst()
            .orElseThrow();
    assertThat(overflow.get("stage")).isEqualTo("map");
    assertThat((String) overflow.get("error_message"))
        .endsWith(
            "column order_amount: value 123456789.00 does not fit decimal(10,2) (at most 8 integer digits)");

    assertThat(r.get(8).singleValue()).isEqualTo(5L);
    assertThat(r.get(9).rowsAsMaps())
        .extracting(m -> m.get("error_class"))
        .containsExactly("INVALID_VALUE", "INVALID_VALUE", "MALFORMED_ION");
    // raw is the exact line: the first line of an Ion data file carries the version marker.
    List<String> ionBadRaw = new ArrayList<>(ionBad);
    ionBadRaw.set(0, "$ion_1_0 " + ionBad.get(0));
    assertThat(r.get(9).rowsAsMaps())
        .extracting(m -> m.get("raw"))
        .containsExactlyElementsOf(ionBadRaw);

    // Creation, then one commit of the export: the re-run added no version.
    List<Map<String, Object>> history = r.get(10).rowsAsMaps();
    assertThat(history).hasSize(2);
    Map<String, Object> detail = r.get(11).rowsAsMaps().get(0);
    assertThat(detail.get("partitionColumns")).isEqualTo(List.of("table_name", "event_date"));
    assertThat(detail.get("minReaderVersion")).isEqualTo(1L);
    assertThat(detail.get("minWriterVersion")).isEqualTo(2L);
  }

  private static void checkSilverEdges(QueryResult result, boolean fromJson) {
    List<Map<String, Object>> rows = result.rowsAsMaps();
    assertThat(rows)
        .extracting(m -> m.get("order_id"))
        .containsExactly(
            "edge-38-digits", "edge-binary-sets", "edge-nested", "edge-null", "edge-unicode");
    for (Map<String, Object> row : rows) {
      assertThat(row.get("event_type")).isEqualTo("SNAPSHOT");
      assertThat(row.get("event_timestamp")).isEqualTo(EXPORT_TIMESTAMP);
    }
    Map<String, Object> digits = rows.get(0);
    assertThat(digits.get("order_amount")).isEqualTo("12.35");
    assertThat(digits.get("n38")).isEqualTo("12345678901234567890123456789012345678");
    assertAttributes(
        digits,
        Map.of(
            "tiny", "1E-130",
            "huge", "9.9999999999999999999999999999999999999E+125",
            "neg", "-0.000000000000000000000000000000000001"),
        fromJson);

    Map<String, Object> sets = rows.get(1);
    assertThat(sets.get("order_amount")).isEqualTo("0.01");
    assertThat(sets.get("blob")).isEqualTo("AAECAwQF/w==");
    assertThat(sets.get("tags")).isEqualTo(List.of("red", "green"));
    assertThat(sets.get("scores")).isEqualTo(List.of("1.50", "-2.00", "3.25"));
    assertThat(sets.get("blobs")).isEqualTo(List.of("AQ==", "Ag=="));
    assertThat(sets.get("_attributes")).isEqualTo("{}");

    Map<String, Object> nested = rows.get(2);
    assertThat(nested.get("city")).isEqualTo("Lyon");
    assertThat(nested.get("first_sku")).isEqualTo("a");
    assertThat(nested.get("labels")).isEqualTo(Map.of("colour", "blue", "size", "XL"));
    JsonNode attributes = readJson((String) nested.get("_attributes"));
    assertThat(fieldNames(attributes)).containsExactly("shipping_address", "line_items");
    assertThat(attributes.at("/shipping_address/M/geo/M/lat/N").asText()).isEqualTo("45.76");
    assertThat(attributes.at("/line_items/L/1/L/0/NULL").asBoolean()).isTrue();
    assertThat(attributes.at("/line_items/L/1/L/1/SS/0").asText()).isEqualTo("x");
    assertThat(new BigDecimal(attributes.at("/line_items/L/0/M/qty/N").asText()))
        .isEqualByComparingTo("2");

    Map<String, Object> nulls = rows.get(3);
    assertThat(nulls.get("customer_id")).isEqualTo("");
    assertThat(nulls.get("coupon")).isNull();
    assertThat(nulls.get("note")).isNull();
    assertThat(nulls.get("order_amount")).isNull();
    assertThat(nulls.get("_attributes")).isEqualTo("{\"maybe\":{\"NULL\":true}}");

    Map<String, Object> unicode = rows.get(4);
    assertThat(unicode.get("customer_id")).isEqualTo("Zoë 🚀 日本");
    assertThat(unicode.get("created_at")).isEqualTo("2024-02-29T23:59:59.999999Z");
  }

  /**
   * Numbers exactly: JSON keeps their text; Ion keeps their value (DynamoDB's own text is
   * canonical).
   */
  private static void assertAttributes(
      Map<String, Object> row, Map<String, String> numbers, boolean fromJson) {
    JsonNode attributes = readJson((String) row.get("_attributes"));
    assertThat(fieldNames(attributes)).containsExactlyInAnyOrderElementsOf(numbers.keySet());
    for (Map.Entry<String, String> e : numbers.entrySet()) {
      String text = attributes.path(e.getKey()).path("N").asText();
      if (fromJson) {
        assertThat(text).isEqualTo(e.getValue());
      } else {
        assertThat(new BigDecimal(text)).isEqualByComparingTo(new BigDecimal(e.getValue()));
      }
    }
  }

  private static JsonNode readJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  @Test
  void theShippedSampleLoadWritesTheSeedsOrdersSilverAsSparkReadsIt() {
    Path root = tmp.resolve("lake-default");
    RunSummary summary = run("--source=export", "--deltaRoot=" + root);
    assertThat(summary.recordsRead()).isEqualTo(3008);

    List<QueryResult> r =
        SparkVerifier.query(
            "SELECT count(*) FROM " + table(root, "orders_silver"),
            "DESCRIBE TABLE " + table(root, "orders_silver"),
            "SELECT count(*) FROM " + table(root, "dynamodb_bronze"),
            "SELECT count(*) FROM " + table(root, "dynamodb_quarantine"),
            "SELECT count(*) FROM "
                + table(root, "orders_silver")
                + " WHERE order_amount IS NULL OR created_at IS NULL OR event_type <> 'SNAPSHOT'");
    assertThat(r.get(0).singleValue()).isEqualTo(3008L);
    Map<String, String> types = new java.util.LinkedHashMap<>();
    for (Map<String, Object> row : r.get(1).rowsAsMaps()) {
      String name = (String) row.get("col_name");
      if (name != null && !name.isBlank() && !name.startsWith("#")) {
        types.putIfAbsent(name, (String) row.get("data_type"));
      }
    }
    // The seed's orders_silver, plus _attributes.
    assertThat(types)
        .containsExactly(
            Map.entry("order_id", "string"),
            Map.entry("customer_id", "string"),
            Map.entry("product_id", "string"),
            Map.entry("order_amount", "decimal(10,2)"),
            Map.entry("order_status", "string"),
            Map.entry("created_at", "timestamp"),
            Map.entry("event_type", "string"),
            Map.entry("event_timestamp", "timestamp"),
            Map.entry("processing_timestamp", "timestamp"),
            Map.entry("_attributes", "string"));
    assertThat(r.get(2).singleValue()).isEqualTo(3008L);
    assertThat(r.get(3).singleValue()).isEqualTo(0L);
    assertThat(r.get(4).singleValue()).isEqualTo(0L);
  }

  @Test
  void readsAnExportFromS3ThroughBeamsFileSystem() throws Exception {
    List<String> edges = lines("edge-items/edge-orders.jsonl");
    Path local =
        export(
            "01700000000000-s3", ExportFormat.DYNAMODB_JSON, List.of(edges, edges.subList(0, 2)));
    Path root = tmp.resolve("lake-s3");
    try (LocalS3 s3 = LocalS3.start()) {
      s3.createBucket("exports");
      s3.uploadDirectory(tmp.resolve("exports"), "exports", "prod");
      List<String> args = new ArrayList<>(s3.pipelineArgs());
      args.add("--exportPath=s3://exports/prod/AWSDynamoDB/01700000000000-s3/");
      args.add("--deltaRoot=" + root);
      args.add("--tableConfig=" + resource("edge-items/edge-orders.yaml"));
      RunSummary summary = run(args.toArray(String[]::new));
      assertThat(summary.recordsRead()).isEqualTo(7);

      List<String> wrong = new ArrayList<>(s3.pipelineArgs());
      wrong.add("--exportPath=s3://exports/prod/AWSDynamoDB/no-such-export/");
      wrong.add("--deltaRoot=" + tmp.resolve("lake-s3-wrong"));
      assertThatThrownBy(() -> run(wrong.toArray(String[]::new)))
          .hasMessageContaining(
              "s3://exports/prod/AWSDynamoDB/no-such-export/manifest-summary.json does not exist");
    }
    assertThat(local).exists();
    List<QueryResult> r =
        SparkVerifier.query(
            "SELECT count(*), count(DISTINCT event_id) FROM " + table(root, "dynamodb_bronze"),
            "SELECT order_id, count(*) FROM "
                + table(root, "edge_orders_silver")
                + " GROUP BY order_id ORDER BY order_id");
    assertThat(r.get(0).rows().get(0)).containsExactly(7L, 7L);
    assertThat(r.get(1).rows())
        .containsExactly(
            List.of("edge-38-digits", 2L),
            List.of("edge-binary-sets", 2L),
            List.of("edge-nested", 1L),
            List.of("edge-null", 1L),
            List.of("edge-unicode", 1L));
  }

  @Test
  void structuralFaultsFailTheRunNamingTheFileAndCommitNothing() throws IOException {
    List<String> edges = lines("edge-items/edge-orders.jsonl");
    String mapping = "--tableConfig=" + resource("edge-items/edge-orders.yaml");

    Path missing =
        export("01700000000000-missing", ExportFormat.DYNAMODB_JSON, List.of(edges, edges));
    Path gone = firstDataFile(missing);
    Files.delete(gone);
    Path root1 = tmp.resolve("lake-missing");
    assertThatThrownBy(() -> run("--exportPath=" + missing + "/", "--deltaRoot=" + root1, mapping))
        .hasStackTraceContaining(gone.getFileName().toString())
        .hasStackTraceContaining("export data file listed in manifest-files.json")
        .hasStackTraceContaining("does not exist");
    assertNothingCommitted(root1);

    Path truncated = export("01700000000000-truncated", ExportFormat.DYNAMODB_JSON, List.of(edges));
    Path cut = firstDataFile(truncated);
    byte[] bytes = Files.readAllBytes(cut);
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 12));
    Path root2 = tmp.resolve("lake-truncated");
    assertThatThrownBy(
            () -> run("--exportPath=" + truncated + "/", "--deltaRoot=" + root2, mapping))
        .hasStackTraceContaining(cut.getFileName().toString())
        .hasStackTraceContaining("truncated or not valid gzip");
    assertNothingCommitted(root2);

    Path recounted = export("01700000000000-recount", ExportFormat.DYNAMODB_JSON, List.of(edges));
    Path files = recounted.resolve("manifest-files.json");
    Files.writeString(files, Files.readString(files).replace("\"itemCount\":5", "\"itemCount\":4"));
    Path summaryFile = recounted.resolve("manifest-summary.json");
    Files.writeString(
        summaryFile, Files.readString(summaryFile).replace("\"itemCount\":5", "\"itemCount\":4"));
    Path root3 = tmp.resolve("lake-recount");
    assertThatThrownBy(
            () -> run("--exportPath=" + recounted + "/", "--deltaRoot=" + root3, mapping))
        .hasStackTraceContaining("does not reconcile, nothing was committed")
        .hasStackTraceContaining("manifest-files.json says 4 items but the file has 5 lines");
    assertNothingCommitted(root3);
  }

  private static Path firstDataFile(Path exportDir) throws IOException {
    try (var files = Files.list(exportDir.resolve("data"))) {
      return files.sorted().findFirst().orElseThrow();
    }
  }

  private static void assertNothingCommitted(Path root) {
    for (String table : List.of("dynamodb_bronze", "edge_orders_silver", "dynamodb_quarantine")) {
      DeltaTable t = DeltaTable.forPath(root.resolve(table).toString());
      assertThat(t.version()).as(table).isEqualTo(0);
      assertThat(t.numRecords()).as(table).isZero();
    }
  }
}
