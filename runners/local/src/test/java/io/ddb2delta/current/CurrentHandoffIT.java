package io.ddb2delta.current;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.local.LocalDynamoDb;
import io.ddb2delta.pipelines.verify.VerifyCommand;
import io.ddb2delta.testing.ChangeFeeds;
import io.ddb2delta.testing.JobRuns;
import io.ddb2delta.testing.QueryResult;
import io.ddb2delta.testing.SparkVerifier;
import io.ddb2delta.tools.ExportTable;
import io.ddb2delta.tools.LoadGenerator;
import io.ddb2delta.tools.LoadLog;
import io.ddb2delta.tools.SyntheticTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The export handoff against DynamoDB Local: {@code export-table} exports {@code orders} while the
 * load generator keeps inserting, updating and deleting items, and goes on after it; one run of
 * {@code --source=export,dynamodb-streams} then loads the export and the whole stream. The final
 * {@code orders_current}, as Spark reads it, must equal a full scan of the table, and {@code
 * verify} must report no difference.
 */
class CurrentHandoffIT {
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
  void anExportTakenWhileItemsChangeHandsOffToTheStreamExactly(@TempDir Path root)
      throws Exception {
    ChangeFeeds.generate(dynamo, List.of(SyntheticTable.ORDERS), 3_000, 3_000, Duration.ofHours(1));
    Path logFile = root.resolve("load.jsonl");
    Thread writer;
    long exportStart;
    long exportEnd;
    String exportId = "handoff-" + System.currentTimeMillis();
    try (LoadLog log = LoadLog.appendingTo(logFile)) {
      writer = new Thread(() -> write(log), "writes-during-export");
      writer.start();
      while (log.total() < 200) {
        Thread.sleep(10);
      }
      exportStart = System.currentTimeMillis();
      int exit =
          ExportTable.commandLine()
              .execute(
                  "--table=orders",
                  "--output=" + root.resolve("exports"),
                  "--segments=1",
                  "--dynamodbEndpoint=" + dynamo.endpoint(),
                  "--export-id=" + exportId);
      exportEnd = System.currentTimeMillis();
      assertThat(exit).isZero();
      Thread.sleep(2_000);
      writer.interrupt();
      writer.join();
    }
    List<LoadLog.Entry> written = LoadLog.read(logFile);
    long during =
        written.stream()
            .filter(e -> e.writeStartMillis() >= exportStart && e.writeStartMillis() <= exportEnd)
            .count();
    assertThat(during).as("changes written while the export ran").isPositive();
    assertThat(written.stream().filter(e -> e.op() == LoadGenerator.Op.REMOVE).count())
        .as("deletes after the export began")
        .isPositive();

    Path lake = root.resolve("lake");
    JobRuns.run(
        List.of(
            "--source=export,dynamodb-streams",
            "--exportPath=" + root.resolve("exports/AWSDynamoDB").resolve(exportId),
            "--tableName=orders",
            "--dynamodbEndpoint=" + dynamo.endpoint(),
            "--deltaRoot=" + lake,
            "--commitIntervalSeconds=1",
            "--currentIntervalSeconds=1",
            "--maxReadTimeSeconds=15"));

    Set<String> scanned = new HashSet<>();
    for (Map<String, AttributeValue> item :
        dynamo.dynamoDb().scanPaginator(b -> b.tableName("orders").consistentRead(true)).items()) {
      scanned.add(
          item.get("order_id").s()
              + "|"
              + item.get("status").s()
              + "|"
              + new BigDecimal(item.get("amount").n()).setScale(2));
    }
    List<QueryResult> r =
        SparkVerifier.query(
            "SELECT concat_ws('|', order_id, order_status, CAST(order_amount AS STRING)) AS row"
                + " FROM delta.`"
                + lake.resolve("orders_current").toAbsolutePath()
                + "`",
            "SELECT count(*) FROM delta.`"
                + lake.resolve("orders_current_tombstones").toAbsolutePath()
                + "`",
            // orders_history (history: true in the shipped mapping): its current rows are the
            // table as it is, and every order that ever was has exactly one open row.
            "SELECT concat_ws('|', order_id, order_status, CAST(order_amount AS STRING)) AS row"
                + " FROM delta.`"
                + lake.resolve("orders_history").toAbsolutePath()
                + "` WHERE is_current",
            "SELECT count(*) FROM (SELECT order_id FROM delta.`"
                + lake.resolve("orders_history").toAbsolutePath()
                + "` GROUP BY order_id"
                + " HAVING sum(CASE WHEN valid_to IS NULL THEN 1 ELSE 0 END) <> 1)");
    assertThat(new HashSet<Object>(r.get(0).column("row"))).isEqualTo(new HashSet<Object>(scanned));
    assertThat(r.get(0).rowCount()).as("one row per item").isEqualTo(scanned.size());
    assertThat((Long) r.get(1).singleValue()).as("tombstones").isPositive();
    assertThat(new HashSet<Object>(r.get(2).column("row"))).isEqualTo(new HashSet<Object>(scanned));
    assertThat(r.get(2).rowCount())
        .as("one current history row per item")
        .isEqualTo(scanned.size());
    assertThat((Long) r.get(3).singleValue()).as("orders without exactly one open row").isZero();

    ByteArrayOutputStream report = new ByteArrayOutputStream();
    int verified =
        VerifyCommand.commandLine(new PrintStream(report, true, StandardCharsets.UTF_8))
            .execute(
                "--deltaRoot=" + lake,
                "--tables=orders",
                "--segments=3",
                "--bucketRows=500",
                "--dynamodbEndpoint=" + dynamo.endpoint());
    String text = report.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains(
            String.format(
                "verify orders: DynamoDB %,d items, orders_current %,d rows",
                scanned.size(), scanned.size()))
        .contains("(equal)")
        .contains("verify: 0 differences in 1 table");
    assertThat(verified).as(text).isZero();
  }

  private void write(LoadLog log) {
    try {
      new LoadGenerator(
              dynamo.dynamoDb(),
              new LoadGenerator.Config(
                  List.of(SyntheticTable.ORDERS),
                  400,
                  new LoadGenerator.Mix(40, 40, 20),
                  7,
                  Long.MAX_VALUE,
                  Duration.ofMinutes(5)),
              log)
          .run(s -> {}, Duration.ofHours(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
