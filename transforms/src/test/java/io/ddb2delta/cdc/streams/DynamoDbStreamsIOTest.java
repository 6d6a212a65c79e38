package io.ddb2delta.cdc.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.cdc.ChangeMessageCoder;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.SerializableUtils;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

/** The builder: defaults, validation, immutability, the source it builds. */
class DynamoDbStreamsIOTest {

  @Test
  void expandNeedsATableName() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    assertThatThrownBy(() -> p.apply(DynamoDbStreamsIO.read()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("withTableName() is required");
  }

  @Test
  void eachWithReturnsACopy() {
    DynamoDbStreamsIO.Read base = DynamoDbStreamsIO.read();
    DynamoDbStreamsIO.Read named = base.withTableName("orders");
    assertThat(named).isNotSameAs(base);
    assertThatThrownBy(base::tableName).hasMessage("withTableName() is required");
    assertThat(named.tableName()).isEqualTo("orders");
    assertThat(named.initialPosition()).isEqualTo(StartPosition.TRIM_HORIZON);
    assertThat(named.idleWatermarkDelay()).isEqualTo(Duration.standardSeconds(2));
    assertThat(named.pollInterval()).isEqualTo(Duration.millis(250));
    assertThat(named.withStartPositions(Map.of("s", "1")).startPositions())
        .containsExactly(Map.entry("s", "1"));
    assertThat(named.startPositions()).isEmpty();
  }

  @Test
  void argumentsAreCheckedWhereTheyAreGiven() {
    DynamoDbStreamsIO.Read r = DynamoDbStreamsIO.read();
    assertThatThrownBy(() -> r.withTableName("")).hasMessageContaining("withTableName()");
    assertThatThrownBy(() -> r.withMaxNumRecords(0)).hasMessageContaining("withMaxNumRecords()");
    assertThatThrownBy(() -> r.withMaxReadTime(Duration.ZERO))
        .hasMessageContaining("withMaxReadTime()");
    assertThatThrownBy(() -> r.withPollInterval(Duration.ZERO))
        .hasMessageContaining("withPollInterval()");
    assertThatThrownBy(() -> r.withIdleWatermarkDelay(Duration.millis(-1)))
        .hasMessageContaining("withIdleWatermarkDelay()");
    assertThatThrownBy(() -> r.withStartPositions(Map.of("s", "")))
        .hasMessageContaining("withStartPositions()");
  }

  @Test
  void theSourceIsOneSerializableSplitWithDeterministicCoders() throws Exception {
    StreamsSource source = new StreamsSource(DynamoDbStreamsIO.read().withTableName("orders"));
    assertThat(source.split(8, PipelineOptionsFactory.create())).containsExactly(source);
    assertThat(source.getOutputCoder()).isSameAs(ChangeMessageCoder.of());
    source.getCheckpointMarkCoder().verifyDeterministic();
    StreamsSource copy = SerializableUtils.clone(source);
    assertThat(copy.spec().tableName()).isEqualTo("orders");
  }
}
