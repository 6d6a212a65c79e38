package io.ddb2delta.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.ddb2delta.delta.CommitResult;
import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.delta.DeltaType;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.tables.DeltaTargets;
import io.ddb2delta.tools.ExportType;
import io.ddb2delta.tools.ExportWriter;
import io.delta.standalone.DeltaLog;
import io.delta.standalone.actions.AddFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;
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

  /**
   * An export into a silver table whose mapping says {@code evolve: true}: the columns silver has
   * evolved when the load starts are filled, a value that does not fit one goes to quarantine
   * naming it, and a new attribute becomes a column in the load's commit while its rows keep it in
   * {@code _attributes}. The tables are read back by parquet-avro.
   */
  @Test
  public void anEvolvingSilverTableIsFilledAndGainsTheColumnsTheExportProposes()
      throws IOException {
    Path exports = tmp.newFolder("exports").toPath();
    ExportWriter.Export export =
        ExportWriter.write(
            exports,
            new ExportWriter.Description(
                "orders",
                "tbl",
                "01700000000001-evolve",
                ExportFormat.DYNAMODB_JSON,
                ExportType.FULL,
                Instant.parse("2023-11-14T22:13:20Z"),
                null),
            List.of(lines("/export-lines/evolving-orders.jsonl")));
    ExportManifest manifest = ExportManifest.read(export.directory() + "/", null);
    String root = tmp.newFolder("lake").toString();
    TableMapping shipped = TableMapping.shipped("orders");
    TableMapping evolving =
        new TableMapping(
            shipped.table(),
            shipped.silverTable(),
            shipped.keys(),
            shipped.columns(),
            shipped.partitionBy(),
            true,
            false);
    DeltaTargets targets = new DeltaTargets(root, evolving);
    targets
        .schemas()
        .forEach(
            (name, schema) ->
                DeltaTable.forPath(targets.pathOf(name)).createIfAbsent(name, schema, Map.of()));
    DeltaTable silver = DeltaTable.forPath(targets.pathOf("orders_silver"));
    // As a stream's commit left it: gift_note is already a column.
    silver.addColumns(List.of(DeltaColumn.of("gift_note", DeltaType.STRING)));

    first.apply(LoadExport.from(manifest).into(targets));
    first.run().waitUntilFinish();

    List<String> columns = silver.columnNames();
    assertThat(columns.subList(columns.size() - 2, columns.size()))
        .containsExactly("gift_note", "channel");
    Map<String, String> rows = new TreeMap<>();
    for (GenericRecord r : records(Path.of(targets.pathOf("orders_silver")))) {
      rows.put(
          r.get("order_id").toString(),
          "gift_note="
              + field(r, "gift_note")
              + " channel="
              + field(r, "channel")
              + " _attributes="
              + r.get("_attributes"));
    }
    assertThat(rows)
        .isEqualTo(
            Map.of(
                "o1", "gift_note=thanks channel=null _attributes={\"channel\":{\"S\":\"web\"}}",
                "o2", "gift_note=hello channel=null _attributes={}"));
    List<GenericRecord> quarantined = records(Path.of(targets.pathOf("dynamodb_quarantine")));
    assertThat(quarantined).hasSize(1);
    assertThat(quarantined.get(0).get("error_message").toString()).contains("gift_note");
  }

  private static Object field(GenericRecord r, String name) {
    return r.getSchema().getField(name) == null ? null : r.get(name);
  }

  private static List<GenericRecord> records(Path table) throws IOException {
    List<GenericRecord> records = new ArrayList<>();
    for (AddFile f :
        DeltaLog.forTable(new Configuration(), table.toString()).update().getAllFiles()) {
      try (ParquetReader<GenericRecord> reader =
          AvroParquetReader.<GenericRecord>builder(
                  new LocalInputFile(table.resolve(new java.net.URI(f.getPath()).getPath())))
              .withDataModel(GenericData.get())
              .build()) {
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          records.add(r);
        }
      } catch (java.net.URISyntaxException e) {
        throw new IOException(e);
      }
    }
    return records;
  }
}
