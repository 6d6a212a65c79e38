package io.ddb2delta.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.pipelines.RunSummary;
import io.ddb2delta.pipelines.maintain.MaintainCommand;
import io.ddb2delta.testing.QueryResult;
import io.ddb2delta.testing.SparkVerifier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, with a short duration: backfill, export load and live DynamoDB
 * Streams CDC all land, every generated change is committed, and Spark reads every table.
 */
class LiveDemoIT {

  @Test
  void theLiveDemoReconciles(@TempDir Path root) {
    PipelineOptionsFactory.register(LiveDemo.Options.class);
    RunSummary summary =
        LiveDemo.run(
            PipelineOptionsFactory.fromArgs(
                    "--deltaRoot=" + root,
                    "--duration=8s",
                    "--dashboardPort=-1",
                    "--demoBackfillItems=200",
                    "--progressIntervalSeconds=0")
                .as(LiveDemo.Options.class));

    // Bronze holds each backfill item twice, as its export row and as its stream INSERT (the
    // overlap, counted by its own clock), and every later change once.
    long generated = summary.counters().get("changes generated");
    assertThat(generated).isPositive();
    assertThat(summary.counters())
        .containsEntry("backfill items", 200L)
        .containsEntry("bronze rows added", 400L + generated);
    assertThat(summary.counters().get("before_export")).isBetween(200L, 200L + generated);
    assertThat(summary.rowsAdded()).containsEntry("dynamodb_quarantine", 0L);
    // Once the writes stop, the four current tables equal DynamoDB's, as verify compares them.
    assertThat(summary.counters()).containsEntry("current differences", 0L);

    // maintain packs the small files the stream's commits left; Spark then reads the packed tables.
    DeltaTable bronze = DeltaTable.forPath(root.resolve("dynamodb_bronze").toString());
    DeltaTable orders = DeltaTable.forPath(root.resolve("orders_silver").toString());
    int bronzeFiles = bronze.files().size();
    int ordersFiles = orders.files().size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit =
        MaintainCommand.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8))
            .execute("--deltaRoot=" + root, "--no-vacuum");
    assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(bronze.files().size()).isLessThan(bronzeFiles);
    assertThat(orders.files().size()).isLessThan(ordersFiles);

    List<QueryResult> r =
        SparkVerifier.query(
            "SELECT count(*) FROM " + table(root, "dynamodb_bronze"),
            "SELECT count(*) FROM " + table(root, "dynamodb_bronze") + " WHERE source = 'export'",
            "SELECT (SELECT count(*) FROM "
                + table(root, "users_silver")
                + ") + (SELECT count(*) FROM "
                + table(root, "orders_silver")
                + ") + (SELECT count(*) FROM "
                + table(root, "products_silver")
                + ") + (SELECT count(*) FROM "
                + table(root, "transactions_silver")
                + ")",
            "SELECT event_type, count(*) FROM "
                + table(root, "orders_silver")
                + " GROUP BY event_type ORDER BY event_type");
    assertThat(r.get(0).singleValue()).isEqualTo(400L + generated);
    assertThat(r.get(1).singleValue()).isEqualTo(200L);
    // Every bronze row, export row or change, has its typed silver row.
    assertThat(r.get(2).singleValue()).isEqualTo(400L + generated);
    assertThat(r.get(3).column("event_type")).contains("SNAPSHOT", "INSERT", "MODIFY");
  }

  private static String table(Path root, String name) {
    return "delta.`" + root.resolve(name).toAbsolutePath() + "`";
  }
}
