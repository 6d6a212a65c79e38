package io.ddb2delta.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {

  /**
   * The fast reader agrees with java.time on every instant, fraction length and offset it takes.
   */
  @Property(tries = 2000)
  void agreesWithJavaTime(
      @ForAll @LongRange(min = -30_000_000_000L, max = 250_000_000_000L) long epochSecond,
      @ForAll @IntRange(min = 0, max = 999_999) int micros,
      @ForAll @IntRange(min = 0, max = 6) int fractionDigits,
      @ForAll @IntRange(min = -18 * 4, max = 18 * 4) int quarterHours) {
    OffsetDateTime t =
        Instant.ofEpochSecond(epochSecond, micros * 1000L)
            .truncatedTo(ChronoUnit.MICROS)
            .atOffset(ZoneOffset.ofTotalSeconds(quarterHours * 900));
    if (t.getYear() < 0 || t.getYear() > 9999) {
      return;
    }
    String base = String.format("%1$tY-%1$tm-%1$tdT%1$tH:%1$tM:%1$tS", t);
    String fraction = String.format("%06d", t.getNano() / 1000).substring(0, fractionDigits);
    String offset = t.getOffset().getTotalSeconds() == 0 ? "Z" : t.getOffset().getId();
    String text = base + (fractionDigits > 0 ? "." + fraction : "") + offset;

    long expected =
        OffsetDateTime.parse(text).toInstant().getEpochSecond() * 1_000_000L
            + OffsetDateTime.parse(text).toInstant().getNano() / 1000;
    assertThat(IsoInstants.parseMicros(text)).as(text).isEqualTo(expected);
  }

  @Test
  void leavesOtherFormsToJavaTime() {
    assertThat(IsoInstants.parseMicros("2024-03-01")).isEqualTo(IsoInstants.NOT_SIMPLE);
    assertThat(IsoInstants.parseMicros("2024-03-01 12:00:00Z")).isEqualTo(IsoInstants.NOT_SIMPLE);
    assertThat(IsoInstants.parseMicros("2024-03-01T12:00:00.123456789Z"))
        .isEqualTo(IsoInstants.NOT_SIMPLE);
    assertThat(IsoInstants.parseMicros("2024-02-30T12:00:00Z")).isEqualTo(IsoInstants.NOT_SIMPLE);
    assertThat(IsoInstants.parseMicros("2024-03-01T24:00:00Z")).isEqualTo(IsoInstants.NOT_SIMPLE);
    assertThat(IsoInstants.parseMicros("2024-03-01T12:00:00+0100"))
        .isEqualTo(IsoInstants.NOT_SIMPLE);
  }

  @Test
  void invalidDatesStillFailThroughTheGeneralParser() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ValueConverter.parseTimestampMicros("c", "2024-02-30T12:00:00Z"))
        .isInstanceOf(MappingException.class);
  }
}
