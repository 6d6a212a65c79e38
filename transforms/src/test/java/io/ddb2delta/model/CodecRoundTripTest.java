package io.ddb2delta.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazon.ion.IonReader;
import com.amazon.ion.IonType;
import com.amazon.ion.IonWriter;
import com.amazon.ion.system.IonBinaryWriterBuilder;
import com.amazon.ion.system.IonTextWriterBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class CodecRoundTripTest {

  @Provide
  Arbitrary<Map<String, DynamoValue>> items() {
    return DynamoValueArbitraries.items();
  }

  @Provide
  Arbitrary<DynamoValue> values() {
    return DynamoValueArbitraries.values(4);
  }

  @Property(tries = 400)
  void jsonWriteThenReadGivesTheItemBack(@ForAll("items") Map<String, DynamoValue> item) {
    String json = DynamoJson.writeItem(item);

    Map<String, DynamoValue> back = DynamoJson.parseItem(json);

    assertThat(back).isEqualTo(item);
    assertThat(back.keySet()).containsExactlyElementsOf(item.keySet());
    // Writing again gives the same text: number texts and member order survive the trip.
    assertThat(DynamoJson.writeItem(back)).isEqualTo(json);
  }

  @Property(tries = 400)
  void jsonWriteThenReadGivesTheValueBack(@ForAll("values") DynamoValue value) throws IOException {
    String json = DynamoJson.writeValue(value);

    DynamoValue back;
    try (var parser = DynamoJson.factory().createParser(json)) {
      parser.nextToken();
      back = DynamoJson.readValue(parser);
    }

    assertThat(back).isEqualTo(value);
  }

  @Property(tries = 400)
  void ionTextWriteThenReadGivesTheItemBack(@ForAll("items") Map<String, DynamoValue> item)
      throws IOException {
    StringBuilder text = new StringBuilder();
    try (IonWriter writer = IonTextWriterBuilder.standard().build(text)) {
      DynamoIon.writeItem(writer, item);
    }

    Map<String, DynamoValue> back = readIonItem(DynamoIon.system().newReader(text.toString()));

    assertThat(back).isEqualTo(item);
    assertThat(back.keySet()).containsExactlyElementsOf(item.keySet());
  }

  @Property(tries = 400)
  void ionBinaryWriteThenReadGivesTheItemBack(@ForAll("items") Map<String, DynamoValue> item)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (IonWriter writer = IonBinaryWriterBuilder.standard().build(bytes)) {
      DynamoIon.writeItem(writer, item);
    }

    Map<String, DynamoValue> back = readIonItem(DynamoIon.system().newReader(bytes.toByteArray()));

    assertThat(back).isEqualTo(item);
  }

  @Property(tries = 400)
  void jsonToIonToJsonKeepsEveryValue(@ForAll("items") Map<String, DynamoValue> item)
      throws IOException {
    Map<String, DynamoValue> fromJson = DynamoJson.parseItem(DynamoJson.writeItem(item));
    StringBuilder ion = new StringBuilder();
    try (IonWriter writer = IonTextWriterBuilder.standard().build(ion)) {
      DynamoIon.writeItem(writer, fromJson);
    }
    Map<String, DynamoValue> fromIon = readIonItem(DynamoIon.system().newReader(ion.toString()));

    Map<String, DynamoValue> back = DynamoJson.parseItem(DynamoJson.writeItem(fromIon));

    assertThat(back).isEqualTo(item);
  }

  private static Map<String, DynamoValue> readIonItem(IonReader reader) throws IOException {
    try (reader) {
      assertThat(reader.next()).isEqualTo(IonType.STRUCT);
      Map<String, DynamoValue> item = DynamoIon.readItem(reader);
      assertThat(reader.next()).isNull();
      return item;
    }
  }
}
