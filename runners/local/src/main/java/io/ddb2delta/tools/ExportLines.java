package io.ddb2delta.tools;

import com.amazon.ion.IonType;
import com.amazon.ion.IonWriter;
import com.amazon.ion.system.IonTextWriterBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ddb2delta.export.ExportFormat;
import io.ddb2delta.model.DynamoIon;
import io.ddb2delta.model.DynamoJson;
import io.ddb2delta.model.DynamoValue;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Renders the lines of export data files as AWS writes them: {@code {"Item":{...}}} or {@code
 * {Item:{...}}} for a full export, and {@code {"Metadata":...,"Keys":...,"OldImage":...,
 * "NewImage":...}} for an incremental one. A line never holds a line break.
 */
final class ExportLines {
  private static final IonTextWriterBuilder ION_TEXT = IonTextWriterBuilder.standard().immutable();

  private ExportLines() {}

  static String item(ExportFormat format, Map<String, DynamoValue> item) {
    return switch (format) {
      case DYNAMODB_JSON ->
          json(
              gen -> {
                gen.writeStartObject();
                gen.writeFieldName("Item");
                DynamoJson.writeItem(gen, item);
                gen.writeEndObject();
              });
      case ION ->
          ion(
              writer -> {
                writer.stepIn(IonType.STRUCT);
                writer.setFieldName("Item");
                DynamoIon.writeItem(writer, item);
                writer.stepOut();
              });
    };
  }

  static String change(ExportFormat format, IncrementalChange change) {
    DynamoValue.N micros = DynamoValue.N.of(change.writeTimestampMicros());
    return switch (format) {
      case DYNAMODB_JSON ->
          json(
              gen -> {
                gen.writeStartObject();
                gen.writeFieldName("Metadata");
                gen.writeStartObject();
                gen.writeFieldName("WriteTimestampMicros");
                DynamoJson.writeValue(gen, micros);
                gen.writeEndObject();
                gen.writeFieldName("Keys");
                DynamoJson.writeItem(gen, change.keys());
                if (change.oldImage() != null) {
                  gen.writeFieldName("OldImage");
                  DynamoJson.writeItem(gen, change.oldImage());
                }
                if (change.newImage() != null) {
                  gen.writeFieldName("NewImage");
                  DynamoJson.writeItem(gen, change.newImage());
                }
                gen.writeEndObject();
              });
      case ION ->
          ion(
              writer -> {
                writer.stepIn(IonType.STRUCT);
                writer.setFieldName("Metadata");
                writer.stepIn(IonType.STRUCT);
                writer.setFieldName("WriteTimestampMicros");
                DynamoIon.writeValue(writer, micros);
                writer.stepOut();
                writer.setFieldName("Keys");
                DynamoIon.writeItem(writer, change.keys());
                if (change.oldImage() != null) {
                  writer.setFieldName("OldImage");
                  DynamoIon.writeItem(writer, change.oldImage());
                }
                if (change.newImage() != null) {
                  writer.setFieldName("NewImage");
                  DynamoIon.writeItem(writer, change.newImage());
                }
                writer.stepOut();
              });
    };
  }

  private interface JsonBody {
    void write(JsonGenerator gen) throws IOException;
  }

  private interface IonBody {
    void write(IonWriter writer) throws IOException;
  }

  private static String json(JsonBody body) {
    StringWriter out = new StringWriter(1024);
    try (JsonGenerator gen = DynamoJson.factory().createGenerator(out)) {
      body.write(gen);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static String ion(IonBody body) {
    StringBuilder out = new StringBuilder(1024);
    try (IonWriter writer = ION_TEXT.build(out)) {
      body.write(writer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
