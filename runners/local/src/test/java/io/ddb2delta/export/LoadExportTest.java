package io.ddb2delta.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.ddb2delta.delta.CommitResult;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.tables.DeltaTargets;
import io.ddb2delta.tools.ExportType;
import io.ddb2delta.tools.ExportWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@link LoadExport} on the DirectRunner with Beam's immutability and encodability checks on: the
 * commit results, what the tables hold afterwards, and that loading the same export again commits
 * nothing.
 */
public class LoadExportTest {
  @Rule public final transient TestPipeline first = TestPipeline.create();
  @Rule public final transient TestPipeline second = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  private static List<String> lines(String resource) throws IOException {
    try (InputStream in = LoadExportTest.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Test
  public void commitsEachTableOnceAndARepeatedLoadIsANoOp() throws IOException {
    Path exports = tmp.newFolder("exports").toPath();
    ExportWriter.Export export =
        ExportWriter.write(
            exports,
            new ExportWriter.Description(
                "orders",
                "tbl",
                "01700000000000-unit",
                ExportFormat.DYNAMODB_JSON,
                ExportType.FULL,
                Instant.parse("2023-11-14T22:13:20Z"),
                null),
            List.of(
                lines("/edge-items/edge-orders.jsonl"),
                lines("/export-lines/bad-lines.jsonl"),
                List.of()));
    ExportManifest manifest = ExportManifest.read(export.directory() + "/", null);
    String root = tmp.newFolder("lake").toString();
    DeltaTargets targets = new DeltaTargets(root, TableMapping.shipped("orders"));
    targets
        .schemas()
        .forEach(
            (name, schema) ->
                DeltaTable.forPath(targets.pathOf(name)).createIfAbsent(name, schema, Map.of()));

    PCollection<KV<String, CommitResult>> results =
        first.apply(LoadExport.from(manifest).into(targets));
    // Table versions: 0 is the creation, 1 this load. 5 edge items and the overflowing amount reach
    // bronze; 7 lines fail to decode and 1 fails to map. How many files hold them depends on
    // bundling.
    PAssert.that(results)
        .satisfies(
            committed -> {
              assertThat(committed)
                  .extracting(
                      kv -> kv.getKey(),
                      kv -> kv.getValue().committed(),
                      kv -> kv.getValue().tableVersion(),
                      kv -> kv.getValue().recordsAdded())
                  .containsExactlyInAnyOrder(
                      tuple("dynamodb_quarantine", true, 1L, 8L),
                      tuple("orders_silver", true, 1L, 5L),
                      tuple("dynamodb_bronze", true, 1L, 6L));
              return null;
            });
    first.run().waitUntilFinish();

    PCollection<KV<String, CommitResult>> again =
        second.apply(LoadExport.from(manifest).into(targets));
    PAssert.that(again)
        .containsInAnyOrder(
            KV.of("dynamodb_quarantine", CommitResult.alreadyCommitted(1)),
            KV.of("orders_silver", CommitResult.alreadyCommitted(1)),
            KV.of("dynamodb_bronze", CommitResult.alreadyCommitted(1)));
    second.run().waitUntilFinish();

    assertThat(DeltaTable.forPath(targets.pathOf("dynamodb_bronze")).numRecords()).isEqualTo(6);
    assertThat(DeltaTable.forPath(targets.pathOf("orders_silver")).numRecords()).isEqualTo(5);
    assertThat(DeltaTable.forPath(targets.pathOf("dynamodb_quarantine")).numRecords()).isEqualTo(8);
    assertThat(
            LoadExport.isLoadedInto(DeltaTable.forPath(targets.pathOf("orders_silver")), manifest))
        .isTrue();
  }
}
