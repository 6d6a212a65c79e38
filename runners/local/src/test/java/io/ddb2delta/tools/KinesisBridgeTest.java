package io.ddb2delta.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ddb2delta.model.DynamoValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/** The bridge's pure decisions: which records are duplicated, partition keys, batches. */
class KinesisBridgeTest {

  private static List<String> eventIds(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(UUID.nameUUIDFromBytes(("event-" + i).getBytes()).toString());
    }
    return ids;
  }

  @Test
  void duplicateSelectionIsDeterministicAndCloseToTheRate() {
    List<String> ids = eventIds(10_000);
    List<Boolean> first = ids.stream().map(id -> KinesisBridge.duplicate(7, id, 0.2)).toList();
    List<Boolean> again = ids.stream().map(id -> KinesisBridge.duplicate(7, id, 0.2)).toList();
    assertThat(again).isEqualTo(first);

    long picked = first.stream().filter(b -> b).count();
    // Binomial(10000, 0.2) has a standard deviation of 40: 0.2 +- 0.015 is over 3.5 of them.
    assertThat(picked / 10_000.0).isCloseTo(0.2, within(0.015));

    List<Boolean> otherSeed = ids.stream().map(id -> KinesisBridge.duplicate(8, id, 0.2)).toList();
    assertThat(otherSeed).isNotEqualTo(first);
  }

  @Test
  void rateZeroNeverAndRateOneAlwaysDuplicates() {
    for (String id : eventIds(1000)) {
      assertThat(KinesisBridge.duplicate(1, id, 0.0)).isFalse();
      assertThat(KinesisBridge.duplicate(1, id, 1.0)).isTrue();
    }
  }

  @Test
  void partitionKeyIsTheSameWhateverTheKeyOrder() {
    Map<String, DynamoValue> ab = new LinkedHashMap<>();
    ab.put("pk", new DynamoValue.S("user#1"));
    ab.put("sk", DynamoValue.N.of("42"));
    Map<String, DynamoValue> ba = new LinkedHashMap<>();
    ba.put("sk", DynamoValue.N.of("42"));
    ba.put("pk", new DynamoValue.S("user#1"));

    assertThat(KinesisBridge.partitionKey(ab))
        .isEqualTo(KinesisBridge.partitionKey(ba))
        .isEqualTo("{\"pk\":{\"S\":\"user#1\"},\"sk\":{\"N\":\"42\"}}");
    assertThat(KinesisBridge.partitionKey(Map.of("pk", new DynamoValue.S("user#2"))))
        .isNotEqualTo(KinesisBridge.partitionKey(Map.of("pk", new DynamoValue.S("user#1"))));
  }

  @Test
  void longKeysAreHashedToFitKinesis() {
    Map<String, DynamoValue> keys = Map.of("pk", new DynamoValue.S("x".repeat(300)));
    String key = KinesisBridge.partitionKey(keys);
    assertThat(key).hasSize(64).matches("[0-9a-f]{64}");
    assertThat(KinesisBridge.partitionKey(keys)).isEqualTo(key);
  }

  private static PutRecordsRequestEntry entry(String key, int bytes) {
    return PutRecordsRequestEntry.builder()
        .partitionKey(key)
        .data(SdkBytes.fromByteArray(new byte[bytes]))
        .build();
  }

  @Test
  void aBatchHoldsOneEntryPerKeyAndAtMost500() {
    List<PutRecordsRequestEntry> entries =
        List.of(entry("a", 1), entry("b", 1), entry("a", 1), entry("c", 1), entry("b", 1));
    assertThat(KinesisBridge.batches(entries))
        .extracting(b -> b.stream().map(PutRecordsRequestEntry::partitionKey).toList())
        .containsExactly(List.of("a", "b"), List.of("a", "c", "b"));

    List<PutRecordsRequestEntry> many = new ArrayList<>();
    for (int i = 0; i < 1201; i++) {
      many.add(entry("k" + i, 1));
    }
    assertThat(KinesisBridge.batches(many)).extracting(List::size).containsExactly(500, 500, 201);

    List<PutRecordsRequestEntry> big = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      big.add(entry("k" + i, 1024 * 1024 - 10));
    }
    // 5 MiB per request: five entries of just under 1 MiB fit, a sixth would not.
    assertThat(KinesisBridge.batches(big)).extracting(List::size).containsExactly(5, 1);
  }
}
