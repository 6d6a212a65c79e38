package io.ddb2delta.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class HourlyAnomaliesTest {
  private static final long H = HourlyAnomalies.HOUR_MICROS;

  /** 24 hours alternating 10 and 12 orders: mean 11, sample stddev sqrt(24 / 23) = 1.021508. */
  private static TreeMap<Long, HourlyAnomalies.Hour> dayThen(long lastCount) {
    TreeMap<Long, HourlyAnomalies.Hour> hours = new TreeMap<>();
    for (int i = 0; i < 24; i++) {
      long count = i % 2 == 0 ? 10 : 12;
      hours.put(i * H, new HourlyAnomalies.Hour(count, count * 5.0, 1));
    }
    hours.put(24 * H, new HourlyAnomalies.Hour(lastCount, lastCount * 5.0, 1));
    return hours;
  }

  @Test
  void aSpikeOfThreeOrdersOverTheMeanIsAnAnomaly() {
    List<HourlyAnomalies.Finding> f = HourlyAnomalies.evaluate(dayThen(14), 24 * H);
    HourlyAnomalies.Finding count = f.get(0);
    assertThat(count.metric()).isEqualTo("order_count");
    assertThat(count.trailingHours()).isEqualTo(24);
    assertThat(count.trailingMean()).isCloseTo(11.0, within(1e-12));
    assertThat(count.trailingStddev()).isCloseTo(1.021508, within(1e-6));
    assertThat(count.zScore()).isCloseTo(2.936835, within(1e-6));
    assertThat(count.severity()).isEqualTo("ANOMALY");
    // Revenue is five times the count: the same z.
    assertThat(f.get(1).zScore()).isCloseTo(2.936835, within(1e-6));
    assertThat(f.get(1).severity()).isEqualTo("ANOMALY");
  }

  @Test
  void betweenOneAndAHalfAndTwoDeviationsIsAWarningAndBelowIsNormal() {
    // (12.7 - 11) / 1.021508 = 1.664; (12 - 11) / 1.021508 = 0.979; a drop counts too.
    assertThat(HourlyAnomalies.evaluate(dayThen(13), 24 * H).get(0).severity())
        .isEqualTo("WARNING");
    assertThat(HourlyAnomalies.evaluate(dayThen(12), 24 * H).get(0).severity()).isEqualTo("NORMAL");
    assertThat(HourlyAnomalies.evaluate(dayThen(8), 24 * H).get(0).severity()).isEqualTo("ANOMALY");
  }

  @Test
  void withoutTwoTrailingHoursOrWithoutSpreadThereIsNoScore() {
    TreeMap<Long, HourlyAnomalies.Hour> hours = new TreeMap<>();
    hours.put(0L, new HourlyAnomalies.Hour(5, 10.0, 1));
    hours.put(H, new HourlyAnomalies.Hour(50, null, 1));
    HourlyAnomalies.Finding one = HourlyAnomalies.evaluate(hours, H).get(0);
    assertThat(one.trailingHours()).isEqualTo(1);
    assertThat(one.trailingMean()).isEqualTo(5.0);
    assertThat(one.trailingStddev()).isNull();
    assertThat(one.zScore()).isNull();
    assertThat(one.severity()).isEqualTo("NORMAL");
    assertThat(HourlyAnomalies.evaluate(hours, H).get(1).value()).isNull();

    hours.put(2 * H, new HourlyAnomalies.Hour(5, 10.0, 1));
    hours.put(3 * H, new HourlyAnomalies.Hour(5, 10.0, 1));
    hours.put(4 * H, new HourlyAnomalies.Hour(9, 10.0, 1));
    // Trailing 5, 50, 5, 5 has spread; hour 25 hours later sees none of them.
    assertThat(HourlyAnomalies.evaluate(hours, 4 * H).get(0).trailingHours()).isEqualTo(4);
    hours.put(29 * H, new HourlyAnomalies.Hour(9, 10.0, 1));
    assertThat(HourlyAnomalies.evaluate(hours, 29 * H).get(0).trailingHours()).isZero();
  }
}
