package io.ddb2delta.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.delta.DeltaType;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.tables.DeltaTargets;
import io.ddb2delta.tables.QuarantineTable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@link WriteChangesToDelta} on the DirectRunner with an {@code evolve: true} mapping, run twice
 * as two runs of a job: the first run's new attribute becomes a column, and the second run types it
 * into that column, or quarantines a value of another type naming the column.
 */
public class WriteChangesToDeltaEvolveTest {
  private static final String APP = "ddb2delta-kinesis-ddb2delta-orders";

  @Rule public final transient TestPipeline first = TestPipeline.create();
  @Rule public final transient TestPipeline second = TestPipeline.create();
  @Rule public final transient TemporaryFolder folder = new TemporaryFolder();

  @Test
  public void aNewAttributeBecomesAColumnThatLaterRunsFill() {
    DeltaTargets targets =
        new DeltaTargets(
            folder.getRoot().toString(),
            TableMapping.parse(SchemaEvolutionCommitTest.ORDERS_YAML.formatted(true), "test"));

    run(
        first,
        targets,
        List.of(
            SchemaEvolutionCommitTest.message(
                "shardId-0", 1, "e1", "ord-1", "\"gift_wrap\":{\"BOOL\":true}"),
            SchemaEvolutionCommitTest.message(
                "shardId-0", 2, "e2", "ord-2", "\"x\":{\"S\":\"y\"}")));

    DeltaTable silver = DeltaTable.forPath(targets.pathOf("orders_silver"));
    assertThat(silver.columns())
        .contains(new DeltaColumn("gift_wrap", DeltaType.BOOLEAN, true, ""))
        .contains(new DeltaColumn("x", DeltaType.STRING, true, ""));

    run(
        second,
        targets,
        List.of(
            SchemaEvolutionCommitTest.message(
                "shardId-0", 3, "e3", "ord-3", "\"gift_wrap\":{\"BOOL\":false}"),
            SchemaEvolutionCommitTest.message(
                "shardId-0", 4, "e4", "ord-4", "\"gift_wrap\":{\"N\":\"1\"}")));

    Map<String, Map<String, Object>> byId = new TreeMap<>();
    for (Map<String, Object> r : SchemaEvolutionCommitTest.rows(targets, "orders_silver")) {
      byId.put((String) r.get("order_id"), r);
    }
    assertThat(byId).containsOnlyKeys("ord-1", "ord-2", "ord-3");
    assertThat(byId.get("ord-3").get("gift_wrap")).isEqualTo(false);
    assertThat(byId.get("ord-3").get("_attributes")).isEqualTo("{}");
    // Each first-run row holds its attribute in _attributes or, had a later batch of that run
    // started after the column's commit, in the column; never in neither.
    Map<String, Object> one = byId.get("ord-1");
    assertThat(
            one.get("gift_wrap") == null
                ? one.get("_attributes")
                : "{\"gift_wrap\":{\"BOOL\":" + one.get("gift_wrap") + "}}")
        .isEqualTo("{\"gift_wrap\":{\"BOOL\":true}}");
    List<Map<String, Object>> quarantined =
        SchemaEvolutionCommitTest.rows(targets, QuarantineTable.NAME);
    assertThat(quarantined).hasSize(1);
    assertThat((String) quarantined.get(0).get("error_message")).contains("column gift_wrap: ");
  }

  private static void run(TestPipeline pipeline, DeltaTargets targets, List<ChangeMessage> input) {
    pipeline
        .apply(Create.of(input).withCoder(ChangeMessageCoder.of()))
        .apply(DecodeChanges.forTables(targets.keysByTable()))
        .apply(WriteChangesToDelta.into(targets, APP).withWriters(1));
    pipeline.run().waitUntilFinish();
  }
}
