package io.ddb2delta.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.model.DynamoValue;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeRecordTest {
  private static final Map<String, DynamoValue> KEYS = Map.of("id", new DynamoValue.S("1"));
  private static final SourcePosition POS = SourcePosition.exportLine("e", "f", 1);

  private static ChangeRecord record(
      Op op, Map<String, DynamoValue> newImage, Map<String, DynamoValue> oldImage) {
    return new ChangeRecord("t1", op, KEYS, newImage, oldImage, 0, "id-1", POS);
  }

  @Test
  void enforcesWhichImagesAnOpHas() {
    assertThatThrownBy(() -> record(Op.REMOVE, KEYS, KEYS)).hasMessage("a REMOVE has no new image");
    assertThatThrownBy(() -> record(Op.INSERT, KEYS, KEYS)).hasMessage("a INSERT has no old image");
    assertThatThrownBy(() -> record(Op.SNAPSHOT, KEYS, KEYS))
        .hasMessage("a SNAPSHOT has no old image");
    assertThat(record(Op.MODIFY, KEYS, KEYS).oldImage()).isEqualTo(KEYS);
    assertThatThrownBy(() -> record(Op.INSERT, null, null).keys().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void neverSharesTheCallersMutableMaps() {
    Map<String, DynamoValue> image = new LinkedHashMap<>(KEYS);
    ChangeRecord r = record(Op.INSERT, image, null);
    image.put("extra", DynamoValue.Null.INSTANCE);
    assertThat(r.newImage()).containsOnlyKeys("id");
  }
}
