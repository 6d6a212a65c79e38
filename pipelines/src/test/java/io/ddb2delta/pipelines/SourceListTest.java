package io.ddb2delta.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.change.SourceKind;
import org.junit.jupiter.api.Test;

/** {@code --source}: a comma-separated list of sources, each at most once. */
class SourceListTest {

  @Test
  void aListNamesEverySourceOfTheRun() {
    assertThat(Ddb2Delta.sources("export")).containsExactly(SourceKind.EXPORT);
    assertThat(Ddb2Delta.sources("dynamodb-streams, export"))
        .containsExactlyInAnyOrder(SourceKind.EXPORT, SourceKind.DYNAMODB_STREAMS);
    assertThat(Ddb2Delta.sources("export,kinesis,dynamodb-streams"))
        .containsExactlyInAnyOrder(
            SourceKind.EXPORT, SourceKind.KINESIS, SourceKind.DYNAMODB_STREAMS);
  }

  @Test
  void anUnknownSourceIsNamedWithWhatIsAllowed() {
    assertThatThrownBy(() -> Ddb2Delta.sources("export,kinesys"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"kinesys\" is not a source")
        .hasMessageContaining("export, kinesis and dynamodb-streams");
  }

  @Test
  void aSourceNamedTwiceOrNoneAtAllFails() {
    assertThatThrownBy(() -> Ddb2Delta.sources("kinesis,kinesis"))
        .hasMessageContaining("names kinesis twice");
    assertThatThrownBy(() -> Ddb2Delta.sources(" , ")).hasMessageContaining("--source is empty");
  }
}
