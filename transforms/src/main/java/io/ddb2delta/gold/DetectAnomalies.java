package io.ddb2delta.gold;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Turns the rows of {@link GoldTable#HOURLY_METRICS} into those of {@link GoldTable#ANOMALIES}
 * ({@link HourlyAnomalies}): every change of an hour re-evaluates it and the 24 hours after it,
 * whose trailing window it is in. State holds the newest figures of every hour, in one group
 * without timers: 8,760 small entries a year.
 */
public final class DetectAnomalies extends PTransform<PCollection<GoldRow>, PCollection<GoldRow>> {
  @Override
  public PCollection<GoldRow> expand(PCollection<GoldRow> rows) {
    return rows.apply("Hourly rows", ParDo.of(new KeyHours()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), GoldCoders.RowCoder.INSTANCE))
        .apply("Evaluate hours", ParDo.of(new Evaluate()))
        .setCoder(GoldCoders.RowCoder.INSTANCE);
  }

  static final class KeyHours extends DoFn<GoldRow, KV<String, GoldRow>> {
    @ProcessElement
    public void process(@Element GoldRow r, OutputReceiver<KV<String, GoldRow>> out) {
      if (r.key().table().equals(GoldTable.HOURLY_METRICS.tableName())) {
        out.output(KV.of(GoldTable.ANOMALIES.tableName(), r));
      }
    }
  }

  static final class Evaluate extends DoFn<KV<String, GoldRow>, GoldRow> {
    @StateId("hours")
    private final StateSpec<ValueState<Map<Long, HourlyAnomalies.Hour>>> hoursSpec =
        StateSpecs.value(MapCoder.of(VarLongCoder.of(), new HourCoder()));

    @StateId("version")
    private final StateSpec<ValueState<Long>> versionSpec = StateSpecs.value(VarLongCoder.of());

    @ProcessElement
    public void process(
        @Element KV<String, GoldRow> element,
        @StateId("hours") ValueState<Map<Long, HourlyAnomalies.Hour>> hoursState,
        @StateId("version") ValueState<Long> versionState,
        OutputReceiver<GoldRow> out) {
      GoldRow r = element.getValue();
      long hour = (Long) r.key().values().get(0);
      Map<Long, HourlyAnomalies.Hour> stored = hoursState.read();
      TreeMap<Long, HourlyAnomalies.Hour> hours =
          stored == null ? new TreeMap<>() : new TreeMap<>(stored);
      HourlyAnomalies.Hour before = hours.get(hour);
      if (before != null && before.version() > r.version()) {
        return;
      }
      Long last = versionState.read();
      long version = Math.max(AggregateGold.nowMicros(), last == null ? 0 : last + 1);
      List<GoldRow> findings = new ArrayList<>();
      Object[] row = r.row();
      if (row == null) {
        hours.put(hour, HourlyAnomalies.Hour.deleted(r.version()));
        for (String metric : List.of(HourlyAnomalies.ORDER_COUNT, HourlyAnomalies.REVENUE)) {
          findings.add(new GoldRow(key(hour, metric), null, version));
        }
      } else {
        BigDecimal revenue = (BigDecimal) row[2];
        hours.put(
            hour,
            new HourlyAnomalies.Hour(
                (Long) row[1], revenue == null ? null : revenue.doubleValue(), r.version()));
      }
      for (Map.Entry<Long, HourlyAnomalies.Hour> e :
          hours.subMap(hour, true, hour + 24 * HourlyAnomalies.HOUR_MICROS, true).entrySet()) {
        if (!e.getValue().present()) {
          continue;
        }
        long h = e.getKey();
        for (HourlyAnomalies.Finding f : HourlyAnomalies.evaluate(hours, h)) {
          Object[] values = f.values();
          Object[] full = java.util.Arrays.copyOf(values, values.length + 2);
          full[values.length] = version;
          full[values.length + 1] = AggregateGold.nowMicros();
          findings.add(new GoldRow(key(h, f.metric()), full, version));
        }
      }
      hoursState.write(hours);
      versionState.write(version);
      findings.forEach(out::output);
    }

    private static GoldKey key(long hour, String metric) {
      return new GoldKey(GoldTable.ANOMALIES.tableName(), List.of(hour, metric));
    }
  }

  /** Codes an hour's figures compactly: the state is read and written at every hourly change. */
  static final class HourCoder extends AtomicCoder<HourlyAnomalies.Hour> {
    @Override
    public void encode(HourlyAnomalies.Hour h, java.io.OutputStream out)
        throws java.io.IOException {
      java.io.DataOutputStream d = new java.io.DataOutputStream(out);
      d.writeLong(h.orderCount());
      d.writeBoolean(h.revenue() != null);
      if (h.revenue() != null) {
        d.writeDouble(h.revenue());
      }
      d.writeLong(h.version());
      d.writeBoolean(h.present());
      d.flush();
    }

    @Override
    public HourlyAnomalies.Hour decode(java.io.InputStream in) throws java.io.IOException {
      java.io.DataInputStream d = new java.io.DataInputStream(in);
      long count = d.readLong();
      Double revenue = d.readBoolean() ? d.readDouble() : null;
      long version = d.readLong();
      return new HourlyAnomalies.Hour(count, revenue, version, d.readBoolean());
    }
  }
}
