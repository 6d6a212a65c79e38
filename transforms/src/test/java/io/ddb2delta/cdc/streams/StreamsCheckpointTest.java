package io.ddb2delta.cdc.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.jupiter.api.Test;

/** The checkpoint's coder: round trip, and the same bytes whatever the insertion order. */
class StreamsCheckpointTest {
  private static byte[] encode(StreamsCheckpoint c) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StreamsCheckpoint.Coder.of().encode(c, out);
    return out.toByteArray();
  }

  @Test
  void roundTripsAndIsDeterministic() throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("shardId-2", "000000000000000000200");
    a.put("shardId-1", "000000000000000000100");
    Map<String, String> b = new LinkedHashMap<>();
    b.put("shardId-1", "000000000000000000100");
    b.put("shardId-2", "000000000000000000200");
    Set<String> f1 = new LinkedHashSet<>(List.of("p2", "p1"));
    Set<String> f2 = new LinkedHashSet<>(List.of("p1", "p2"));
    StreamsCheckpoint first = StreamsCheckpoint.of(FakeStreamsClient.ARN, a, f1);
    StreamsCheckpoint second = StreamsCheckpoint.of(FakeStreamsClient.ARN, b, f2);

    CoderProperties.coderDecodeEncodeEqual(StreamsCheckpoint.Coder.of(), first);
    CoderProperties.coderDeterministic(StreamsCheckpoint.Coder.of(), first, second);
    CoderProperties.coderSerializable(StreamsCheckpoint.Coder.of());
    assertThat(encode(first)).isEqualTo(encode(second));
    CoderProperties.coderDecodeEncodeEqual(
        StreamsCheckpoint.Coder.of(), StreamsCheckpoint.of("arn", Map.of(), Set.of()));
  }

  @Test
  void anUnknownVersionIsRejected() throws Exception {
    byte[] bytes = encode(StreamsCheckpoint.of("arn", Map.of(), Set.of()));
    bytes[0] = 9;
    assertThatThrownBy(() -> StreamsCheckpoint.Coder.of().decode(new ByteArrayInputStream(bytes)))
        .isInstanceOf(CoderException.class)
        .hasMessageContaining("version 9");
  }
}
