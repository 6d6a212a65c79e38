package io.ddb2delta.mapping;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ddb2delta.delta.DeltaType;
import java.io.Serializable;
import java.util.Locale;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One silver column: where its value comes from and its Delta type.
 *
 * <p>A column takes its value either from an item attribute ({@code attribute}, a path such as
 * {@code amount}, {@code address.city} or {@code line_items[0].sku}) or from the change envelope
 * ({@code meta}: event_type, event_timestamp, processing_timestamp, event_id, source,
 * source_position, table_name).
 *
 * <p>A timestamp column reads an N attribute as epoch seconds and an S attribute as ISO-8601,
 * unless it declares a {@code format} ({@link #timestampFormat()} is then non-null): with one, N
 * and S both hold a number of that epoch unit.
 */
public record ColumnMapping(
    String name,
    @Nullable AttributePath attribute,
    @Nullable Meta meta,
    DeltaType type,
    boolean required,
    @Nullable TimestampFormat timestampFormat)
    implements Serializable {

  /** A value taken from the change envelope rather than from the item. */
  public enum Meta {
    EVENT_TYPE(DeltaType.STRING),
    EVENT_TIMESTAMP(DeltaType.TIMESTAMP),
    PROCESSING_TIMESTAMP(DeltaType.TIMESTAMP),
    EVENT_ID(DeltaType.STRING),
    SOURCE(DeltaType.STRING),
    SOURCE_POSITION(DeltaType.STRING),
    TABLE_NAME(DeltaType.STRING);

    private final DeltaType type;

    Meta(DeltaType type) {
      this.type = type;
    }

    public DeltaType type() {
      return type;
    }

    static Meta parse(String text) {
      try {
        return valueOf(text.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown meta \""
                + text
                + "\"; expected event_type, event_timestamp, processing_timestamp, event_id,"
                + " source, source_position or table_name");
      }
    }
  }

  /** The epoch unit of a timestamp column's numbers, in N or in S attributes. */
  public enum TimestampFormat {
    EPOCH_SECONDS,
    EPOCH_MILLIS,
    EPOCH_MICROS;

    /** The format as a mapping spells it, e.g. {@code epoch_seconds}. */
    public String yamlName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static @Nullable TimestampFormat parse(@Nullable String text) {
      if (text == null) {
        return null;
      }
      try {
        return valueOf(text.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown format \""
                + text
                + "\"; expected epoch_seconds, epoch_millis or epoch_micros");
      }
    }
  }

  public ColumnMapping {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a column needs a name");
    }
    if ((attribute == null) == (meta == null)) {
      throw new IllegalArgumentException(
          "column \"" + name + "\" needs exactly one of attribute: or meta:");
    }
    if (meta != null && !meta.type().equals(type)) {
      throw new IllegalArgumentException(
          "column \""
              + name
              + "\" takes meta "
              + meta.name().toLowerCase(Locale.ROOT)
              + ", which is "
              + meta.type().sql()
              + ", not "
              + type.sql());
    }
  }

  @JsonCreator
  static ColumnMapping fromYaml(
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty("attribute") @Nullable String attribute,
      @JsonProperty("meta") @Nullable String meta,
      @JsonProperty("type") @Nullable String type,
      @JsonProperty("required") @Nullable Boolean required,
      @JsonProperty("format") @Nullable String format) {
    Meta m = meta == null ? null : Meta.parse(meta);
    DeltaType t;
    if (type != null) {
      t = DeltaType.parse(type);
    } else if (m != null) {
      t = m.type();
    } else {
      throw new IllegalArgumentException("column \"" + name + "\" needs a type:");
    }
    return new ColumnMapping(
        name,
        attribute == null ? null : AttributePath.parse(attribute),
        m,
        t,
        required != null && required,
        TimestampFormat.parse(format));
  }
}
