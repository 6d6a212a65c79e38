package io.ddb2delta.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddb2delta.local.LocalDynamoDb;
import io.ddb2delta.local.LocalKinesis;
import io.ddb2delta.testing.ChangeFeeds;
import io.ddb2delta.testing.GoldOracle;
import io.ddb2delta.testing.JobRuns;
import io.ddb2delta.testing.QueryResult;
import io.ddb2delta.testing.SparkVerifier;
import io.ddb2delta.testing.StreamContents;
import io.ddb2delta.tools.ExportTable;
import io.ddb2delta.tools.GenerateExport;
import io.ddb2delta.tools.LoadLog;
import io.ddb2delta.tools.SyntheticTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backfill and its stream in one run, {@code --source=export,dynamodb-streams} and {@code
 * --source=export,kinesis}, against DynamoDB Local and kinesalite: every export item and every
 * change is in bronze exactly once, silver holds a row per bronze row, the overlap of the stream
 * with the export is counted, bad records of either source reach quarantine, and the counts
 * reconcile per source as Spark reads the tables.
 */
class BackfillAndStreamIT {
  private static final List<SyntheticTable> ORDERS = List.of(SyntheticTable.ORDERS);

  private LocalDynamoDb dynamo;

  @BeforeEach
  void start() {
    dynamo = LocalDynamoDb.start();
  }

  @AfterEach
  void stop() throws Exception {
    dynamo.close();
  }

  @Test
  void exportAndDynamoDbStreamsLoadEveryItemAndEveryChangeOnce(@TempDir Path root)
      throws Exception {
    ChangeFeeds.generate(dynamo, ORDERS, 300, 3_000, Duration.ofHours(1));
    long itemsAtExport = dynamo.dynamoDb().scan(b -> b.tableName("orders")).count();
    Set<String> beforeExport = streamEventIds();
    String exportPath = exportTable(root.resolve("exports"), "orders");
    LoadLog after = ChangeFeeds.generate(dynamo, ORDERS, 200, 3_000, Duration.ofHours(1));
    Set<String> changes = streamEventIds();
    assertThat(changes).hasSize(beforeExport.size() + (int) after.total());

    Path lake = root.resolve("lake");
    List<String> args =
        List.of(
            "--source=export,dynamodb-streams",
            "--exportPath=" + exportPath,
            "--tableName=orders",
            "--dynamodbEndpoint=" + dynamo.endpoint(),
            "--deltaRoot=" + lake,
            "--commitIntervalSeconds=1",
            "--maxReadTimeSeconds=12");
    RunSummary summary = JobRuns.run(args);

    // The overlap is counted by the source's own clock, which DynamoDB Local truncates to the
    // minute: every change made before the export, and those after it stamped no later.
    Instant exportTime =
        Instant.parse(
            new ObjectMapper()
                .readTree(Path.of(exportPath, "manifest-summary.json").toFile())
                .get("exportTime")
                .asText());
    long stampedBefore =
        StreamContents.dynamoRecords(dynamo.streams(), "orders").stream()
            .filter(rec -> !rec.dynamodb().approximateCreationDateTime().isAfter(exportTime))
            .count();
    assertThat(stampedBefore).isGreaterThanOrEqualTo(beforeExport.size());
    assertThat(summary.counters()).containsEntry("before_export", stampedBefore);
    assertThat(summary.rowsAdded())
        .containsEntry("dynamodb_bronze", itemsAtExport + changes.size())
        .containsEntry("orders_silver", itemsAtExport + changes.size())
        .containsEntry("dynamodb_quarantine", 0L);
    List<QueryResult> r =
        SparkVerifier.query(
            "SELECT source, count(*), count(DISTINCT event_id) FROM "
                + table(lake, "dynamodb_bronze")
                + " GROUP BY source ORDER BY source",
            "SELECT event_id FROM "
                + table(lake, "dynamodb_bronze")
                + " WHERE source = 'dynamodb-streams'",
            "SELECT count(*) FROM " + table(lake, "orders_silver"));
    assertThat(r.get(0).rows())
        .containsExactly(
            List.of("dynamodb-streams", (long) changes.size(), (long) changes.size()),
            List.of("export", itemsAtExport, itemsAtExport));
    assertThat(new HashSet<Object>(r.get(1).column("event_id")))
        .isEqualTo(new HashSet<Object>(changes));
    assertThat(r.get(2).singleValue()).isEqualTo(itemsAtExport + changes.size());

    // Again: the export is already loaded and the stream resumes after its committed positions.
    RunSummary again = JobRuns.run(args);
    assertThat(again.rowsAdded().values()).containsOnly(0L);
  }

  @Test
  void exportAndKinesisWithBadRecordsReconcilePerSource(@TempDir Path root) throws Exception {
    int items = 400;
    int badLines = 6;
    Path exports = root.resolve("exports");
    int exit =
        GenerateExport.commandLine()
            .execute(
                "--table=orders",
                "--items=" + items,
                "--bad-lines=" + badLines,
                // Keys apart from those the load generator writes: the export and the stream are
                // of different tables here, and gold assumes one history per key.
                "--first-item=1000000",
                "--files=3",
                "--output=" + exports,
                "--export-id=01764633600000-backfill");
    assertThat(exit).isZero();
    String exportPath = exports.resolve("AWSDynamoDB/01764633600000-backfill").toString();

    LoadLog load = ChangeFeeds.generate(dynamo, ORDERS, 300, 3_000, Duration.ofHours(1));
    Set<String> changes = streamEventIds();
    try (LocalKinesis kinesis = LocalKinesis.start()) {
      String stream = "backfill-and-stream";
      ChangeFeeds.createStream(kinesis.kinesis(), stream, 2);
      long put = ChangeFeeds.bridge(dynamo, kinesis, ORDERS, load, stream, 0.0);
      assertThat(put).isEqualTo(changes.size());
      List<byte[]> bad =
          List.of(
              "{\"eventID\": oops".getBytes(StandardCharsets.UTF_8),
              resource("/kinesis-records/bad/missing-keys.json"));
      bad.forEach(p -> ChangeFeeds.put(kinesis.kinesis(), stream, p));

      Path lake = root.resolve("lake");
      RunSummary summary =
          JobRuns.run(
              List.of(
                  "--source=export,kinesis",
                  "--exportPath=" + exportPath,
                  "--kinesisStream=" + stream,
                  "--kinesisEndpoint=" + kinesis.endpoint(),
                  "--tableName=orders",
                  "--deltaRoot=" + lake,
                  "--commitIntervalSeconds=1",
                  "--maxRecords=" + (put + bad.size())));

      assertThat(summary.rowsAdded())
          .containsEntry("dynamodb_bronze", (long) items + changes.size())
          .containsEntry("dynamodb_quarantine", (long) badLines + bad.size());
      List<QueryResult> r =
          SparkVerifier.query(
              "SELECT source, count(*), count(DISTINCT event_id) FROM "
                  + table(lake, "dynamodb_bronze")
                  + " GROUP BY source ORDER BY source",
              "SELECT source, stage, count(*) FROM "
                  + table(lake, "dynamodb_quarantine")
                  + " GROUP BY source, stage ORDER BY source",
              "SELECT event_id FROM "
                  + table(lake, "dynamodb_bronze")
                  + " WHERE source = 'kinesis'",
              "SELECT count(*) FROM " + table(lake, "orders_silver"));
      // Per source, what was fed equals bronze plus quarantine.
      assertThat(r.get(0).rows())
          .containsExactly(
              List.of("export", (long) items, (long) items),
              List.of("kinesis", (long) changes.size(), (long) changes.size()));
      assertThat(r.get(1).rows())
          .containsExactly(
              List.of("export", "decode", (long) badLines),
              List.of("kinesis", "decode", (long) bad.size()));
      assertThat(new HashSet<Object>(r.get(2).column("event_id")))
          .isEqualTo(new HashSet<Object>(changes));
      assertThat(r.get(3).singleValue()).isEqualTo((long) items + changes.size());

      // Gold counts the backfill of the same run: the orders are DynamoDB's and the export's good
      // lines (bad lines have keys bad-<n>), which no change touched.
      Set<String> touched = new HashSet<>();
      StreamContents.dynamoRecords(dynamo.streams(), "orders")
          .forEach(rec -> touched.add(rec.dynamodb().keys().get("order_id").s()));
      List<ObjectNode> exported = exportOrders(Path.of(exportPath));
      assertThat(exported).hasSize(items);
      assertThat(exported).noneMatch(o -> touched.contains(o.get("order_id").asText()));
      GoldOracle.assertGoldMatches(lake, dynamo.dynamoDb(), "orders", exported);
    }
  }

  /** The good items of an export's DynamoDB JSON data files, read with Jackson. */
  private static List<ObjectNode> exportOrders(Path exportPath) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<ObjectNode> out = new ArrayList<>();
    List<Path> files;
    try (var paths = Files.walk(exportPath.resolve("data"))) {
      files = paths.filter(f -> f.toString().endsWith(".json.gz")).toList();
    }
    for (Path f : files) {
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(
                  new GZIPInputStream(Files.newInputStream(f)), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          JsonNode item;
          try {
            item = json.readTree(line).get("Item");
          } catch (IOException malformed) {
            continue;
          }
          JsonNode id = item == null ? null : item.path("order_id").get("S");
          if (id == null || id.asText().startsWith("bad-")) {
            continue;
          }
          ObjectNode o = json.createObjectNode();
          for (String a :
              List.of("order_id", "customer_id", "product_id", "status", "created_at")) {
            JsonNode v = item.path(a).get("S");
            if (v != null) {
              o.put(a, v.asText());
            }
          }
          JsonNode amount = item.path("amount").get("N");
          if (amount != null) {
            o.put("amount", amount.asText());
          }
          out.add(o);
        }
      }
    }
    return out;
  }

  private String exportTable(Path output, String table) {
    String exportId = "backfill-" + table + "-" + System.currentTimeMillis();
    int exit =
        ExportTable.commandLine()
            .execute(
                "--table=" + table,
                "--output=" + output,
                "--segments=2",
                "--dynamodbEndpoint=" + dynamo.endpoint(),
                "--export-id=" + exportId);
    assertThat(exit).isZero();
    return output.resolve("AWSDynamoDB").resolve(exportId).toString();
  }

  private Set<String> streamEventIds() {
    return new HashSet<>(StreamContents.dynamoEventIds(dynamo.streams(), "orders"));
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = BackfillAndStreamIT.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .strip()
          .getBytes(StandardCharsets.UTF_8);
    }
  }

  private static String table(Path root, String name) {
    return "delta.`" + root.resolve(name).toAbsolutePath() + "`";
  }
}
