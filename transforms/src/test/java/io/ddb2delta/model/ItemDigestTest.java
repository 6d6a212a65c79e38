package io.ddb2delta.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link ItemDigest}. The expected digests were computed with Python's hashlib over the bytes the
 * encoding in the class describes, written out by hand: a tag byte, big-endian 32-bit counts and
 * lengths, UTF-8 text, attribute names and set members sorted.
 */
class ItemDigestTest {
  @Test
  void aStringKeyHasTheDigestWorkedOutByHand() {
    // sha256("M" 1 | 8 "order_id" | "S" 2 "o1")[0:8]
    assertThat(ItemDigest.of(Map.of("order_id", new DynamoValue.S("o1"))))
        .isEqualTo("5972d55b76a8596b");
  }

  @Test
  void attributeOrderSetOrderAndNumberSpellingDoNotCount() {
    Map<String, DynamoValue> one = new LinkedHashMap<>();
    one.put("amount", DynamoValue.N.of("12.50"));
    one.put("tags", DynamoValue.SS.of(List.of("b", "a")));
    Map<String, DynamoValue> other = new LinkedHashMap<>();
    other.put("tags", DynamoValue.SS.of(List.of("a", "b")));
    other.put("amount", DynamoValue.N.of("1.25E1"));
    // sha256("M" 2 | 6 "amount" "N" 4 "12.5" | 4 "tags" "s" 2, 1 "a", 1 "b")[0:8]
    assertThat(ItemDigest.of(one)).isEqualTo("9363f02bbc3e0355").isEqualTo(ItemDigest.of(other));
  }

  @Test
  void theTypeOfAValueCounts() {
    assertThat(ItemDigest.of(Map.of("n", DynamoValue.N.of("1"))))
        .isNotEqualTo(ItemDigest.of(Map.of("n", new DynamoValue.S("1"))));
    assertThat(ItemDigest.of(Map.of("s", DynamoValue.SS.of(List.of("a")))))
        .isNotEqualTo(
            ItemDigest.of(Map.of("s", new DynamoValue.L(List.of(new DynamoValue.S("a"))))));
    assertThat(ItemDigest.of(Map.of("m", new DynamoValue.M(Map.of()))))
        .isNotEqualTo(ItemDigest.of(Map.of("m", DynamoValue.Null.INSTANCE)));
  }
}
