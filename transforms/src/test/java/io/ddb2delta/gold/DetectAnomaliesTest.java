package io.ddb2delta.gold;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class DetectAnomaliesTest implements Serializable {
  private static final long HOUR = Instant.parse("2026-12-02T09:00:00Z").getMillis() * 1000;

  private static GoldRow hourly(Object[] row, long version) {
    return new GoldRow(
        new GoldKey(GoldTable.HOURLY_METRICS.tableName(), List.of(HOUR)), row, version);
  }

  /**
   * An hour's deletion can reach the detector before an older value of the same hour (the two
   * travel through a shuffle): the older value must not bring the hour back.
   */
  @Test
  void anOlderValueArrivingAfterAnHoursDeletionLeavesItDeleted() {
    Object[] oneOrder = {HOUR, 1L, new BigDecimal("5.50"), new BigDecimal("5.50"), 1L, 1_000L, 0L};
    TestStream<GoldRow> rows =
        TestStream.create(GoldCoders.RowCoder.INSTANCE)
            .addElements(hourly(null, 2_000))
            .addElements(hourly(oneOrder, 1_000))
            .advanceWatermarkToInfinity();
    TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    PCollection<GoldRow> anomalies = p.apply(rows).apply(new DetectAnomalies());
    PAssert.that(anomalies)
        .satisfies(
            all -> {
              Map<String, String> latest = GoldRows.latest(all);
              assertThat(latest)
                  .containsEntry("orders_anomalies 2026-12-02T09:00:00Z order_count", "deleted")
                  .containsEntry("orders_anomalies 2026-12-02T09:00:00Z revenue", "deleted");
              return null;
            });
    p.run().waitUntilFinish();
  }
}
