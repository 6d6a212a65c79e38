package io.ddb2delta.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.pipelines.RunSummary;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's final reconciliation, as a person reads it. */
class LiveDemoTest {

  private static RunSummary summary(long bronzeRowsAdded) {
    Map<String, Long> rows = new LinkedHashMap<>();
    rows.put("dynamodb_quarantine", 0L);
    rows.put("users_silver", 1_062L);
    rows.put("orders_silver", 1_024L);
    rows.put("dynamodb_bronze", bronzeRowsAdded);
    Map<String, Long> counters = new LinkedHashMap<>();
    counters.put("rows.dynamodb_bronze", 3_180L);
    counters.put("before_export", 1_000L);
    counters.put("backfill items", 1_000L);
    counters.put("changes generated", 2_180L);
    counters.put("bronze rows added", bronzeRowsAdded);
    return new RunSummary(
        "live demo: 4 exports",
        4_180,
        rows,
        "dynamodb_quarantine",
        false,
        32.7,
        90.2,
        1L << 30,
        counters);
  }

  @Test
  void aCompleteRunSaysHowBronzeReconciles() {
    String report = LiveDemo.report(summary(4_180));

    assertThat(report)
        .contains("written to DynamoDB  1,000 backfill items, then 2,180 changes")
        .contains("4,180 rows: each backfill item twice")
        .contains("in silver            users_silver 1,062, orders_silver 1,024")
        .contains("quarantined          0")
        .contains("reconciled           yes: 2 x 1,000 + 2,180 = 4,180 bronze rows")
        .contains("ran 33 s");
    // The demo measures its own start-up, not the job: no throughput or CPU figures.
    assertThat(report).doesNotContain("CPU").doesNotContain("records/s");
  }

  @Test
  void aRunStoppedEarlySaysWhatIsMissing() {
    assertThat(LiveDemo.report(summary(4_000)))
        .contains("reconciled           no: 4,000 bronze rows, 4,180 expected");
  }
}
