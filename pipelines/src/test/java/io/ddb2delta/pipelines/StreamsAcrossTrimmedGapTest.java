package io.ddb2delta.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.cdc.ShardPositions;
import io.ddb2delta.export.ExportFormat;
import io.ddb2delta.export.ExportManifest;
import io.ddb2delta.mapping.TableMapping;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/**
 * {@code --streamsAcrossTrimmedGap} reads past records a stream no longer holds, so a run takes it
 * only with an incremental export of each streamed table to repair the gap.
 */
class StreamsAcrossTrimmedGapTest {
  private static final TableMapping ORDERS = TableMapping.shipped("orders");

  private static Ddb2DeltaOptions options() {
    return PipelineOptionsFactory.fromArgs(
            "--source=export,dynamodb-streams",
            "--tableName=orders",
            "--dynamodbEndpoint=http://127.0.0.1:8000",
            "--streamsAcrossTrimmedGap")
        .as(Ddb2DeltaOptions.class);
  }

  private static Ddb2Delta.ExportSource export(boolean incremental) {
    return new Ddb2Delta.ExportSource(
        new ExportManifest(
            "/exports/AWSDynamoDB/01796126460000-0abc1234/",
            "01796126460000-0abc1234",
            null,
            null,
            "orders",
            ExportFormat.DYNAMODB_JSON,
            incremental,
            1_796_126_460_000_000L,
            0,
            List.of()),
        ORDERS);
  }

  @Test
  void withoutAnIncrementalExportOfTheTableTheRunIsRefusedSayingWhatItNeeds() {
    for (List<Ddb2Delta.ExportSource> exports :
        List.of(List.<Ddb2Delta.ExportSource>of(), List.of(export(false)))) {
      assertThatThrownBy(
              () ->
                  StreamJob.streamsReads(
                      options(), List.of(ORDERS), ShardPositions.empty(), exports))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("--streamsAcrossTrimmedGap")
          .hasMessageContaining("needs an incremental export of orders in the same run");
    }
  }

  @Test
  void withAnIncrementalExportOfTheTableTheStreamIsRead() {
    assertThat(
            StreamJob.streamsReads(
                options(), List.of(ORDERS), ShardPositions.empty(), List.of(export(true))))
        .hasSize(1);
  }
}
