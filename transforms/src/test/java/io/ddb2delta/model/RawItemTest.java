package io.ddb2delta.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RawItemTest {
  private static final String LINE =
      "{\"Item\": {\"a\":{\"S\":\"x\"}, \"b\" : {\"N\":\"1.50\"},\"c\":{\"M\":{\"d\":{\"S\":\"y\"}}}} }";

  private static RawItem parse(Map<String, DynamoValue>[] item) throws IOException {
    try (JsonParser p = DynamoJson.factory().createParser(LINE)) {
      p.nextToken();
      p.nextFieldName();
      p.nextToken();
      RawItem raw = new RawItem(LINE, (int) p.currentTokenLocation().getCharOffset());
      item[0] = DynamoJson.readItem(p, raw);
      return raw.close((int) p.currentLocation().getCharOffset());
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void cutsMembersFromTheOriginalText() throws IOException {
    Map<String, DynamoValue>[] item = new Map[1];
    RawItem raw = parse(item);

    assertThat(raw.json())
        .isEqualTo(
            "{\"a\":{\"S\":\"x\"}, \"b\" : {\"N\":\"1.50\"},\"c\":{\"M\":{\"d\":{\"S\":\"y\"}}}}");
    assertThat(raw.select(List.of("b"))).isEqualTo("{\"b\" : {\"N\":\"1.50\"}}");
    assertThat(raw.except(Set.of("b")))
        .isEqualTo("{\"a\":{\"S\":\"x\"},\"c\":{\"M\":{\"d\":{\"S\":\"y\"}}}}");
    assertThat(raw.except(Set.of("a", "b", "c"))).isEqualTo("{}");
    // What was cut parses back to the same values the reader returned.
    assertThat(DynamoJson.parseItem(raw.except(Set.of()))).containsExactlyEntriesOf(item[0]);
  }
}
