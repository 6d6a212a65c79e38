package io.ddb2delta.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.cdc.CommitReport;
import io.ddb2delta.cdc.EventTimes;
import io.ddb2delta.cdc.ShardPositions;
import io.ddb2delta.gold.GoldCommit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthRecordTest {
  @Test
  void aBatchGivesOneRowPerTableCommitWithItsLagAndLatency() {
    // Changes made at 1,000 and 3,000 ms, arrived from 1,500 ms; bronze committed at 11,000 ms
    // and silver at 11,200 ms.
    CommitReport report =
        new CommitReport(
            7,
            3,
            1,
            0,
            0,
            0,
            Map.of("dynamodb_bronze", 2L, "orders_silver", 2L),
            1_500,
            11_200,
            ShardPositions.empty(),
            List.of(
                new CommitReport.TableCommit("orders_silver", 12, 2, 11_200, 40),
                new CommitReport.TableCommit("dynamodb_bronze", 30, 2, 11_000, 25)),
            List.of(EventTimes.of(new long[] {3_000, 1_000}, 2)));
    List<HealthRecord> rows = HealthRecord.of(report, "app");
    assertThat(rows).hasSize(2);
    HealthRecord bronze = rows.get(1);
    assertThat(bronze.table()).isEqualTo("dynamodb_bronze");
    assertThat(bronze.tableVersion()).isEqualTo(30);
    assertThat(bronze.records()).isEqualTo(2);
    assertThat(bronze.messages()).isEqualTo(3);
    assertThat(bronze.duplicates()).isEqualTo(1);
    assertThat(bronze.commitDurationMillis()).isEqualTo(25);
    assertThat(bronze.sourceLagMillis()).isEqualTo(9_500);
    // Of two changes, the median is the older (the first to reach half the count): 10 s late; the
    // 1st percentile is the oldest.
    assertThat(bronze.latencyP50Millis()).isEqualTo(10_000);
    assertThat(bronze.latencyP99Millis()).isEqualTo(10_000);
    assertThat(rows.get(0).latencyP50Millis()).isEqualTo(10_200);
  }

  @Test
  void aGoldUpsertHasNoSourceFigures() {
    HealthRecord r =
        HealthRecord.of(new GoldCommit("customer_analytics", 4, 10, 5_000, 80, Map.of()), "app");
    assertThat(r.records()).isEqualTo(10);
    assertThat(r.commitDurationMillis()).isEqualTo(80);
    assertThat(r.messages()).isNull();
    assertThat(r.latencyP99Millis()).isNull();
    assertThat(r.row()).hasSize(HealthTable.SCHEMA.columns().size());
  }
}
