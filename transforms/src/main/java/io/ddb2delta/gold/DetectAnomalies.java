package io.ddb2delta.gold;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Turns the rows of {@link GoldTable#HOURLY_METRICS} into those of {@link GoldTable#ANOMALIES}
 * ({@link HourlyAnomalies}): every change of an hour re-evaluates it and the 24 hours after it,
 * whose trailing window it is in. State holds the newest figures of every hour, in one group
 * without timers: 8,760 small entries a year.
 *
 * <p>The hours a bundle changes are evaluated together, each affected hour once: a backfill or a
 * restart's replay changes every hour of its history at once, and one evaluation per changed hour
 * would copy the whole state for each.
 */
public final class DetectAnomalies extends PTransform<PCollection<GoldRow>, PCollection<GoldRow>> {
  static final KvCoder<String, List<GoldRow>> BATCH =
      KvCoder.of(StringUtf8Coder.of(), ListCoder.of(GoldCoders.RowCoder.INSTANCE));

  @Override
  public PCollection<GoldRow> expand(PCollection<GoldRow> rows) {
    return rows.apply("Hourly rows per bundle", ParDo.of(new BatchHours()))
        .setCoder(BATCH)
        .apply("Evaluate hours", ParDo.of(new Evaluate()))
        .setCoder(GoldCoders.RowCoder.INSTANCE);
  }

  /** A bundle's hourly rows, the newest per hour, as one batch under the one state key. */
  static final class BatchHours extends DoFn<GoldRow, KV<String, List<GoldRow>>> {
    private transient Map<Long, GoldRow> newest;

    @StartBundle
    public void start() {
      newest = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element GoldRow r) {
      if (r.key().table().equals(GoldTable.HOURLY_METRICS.tableName())) {
        newest.merge(
            (Long) r.key().values().get(0), r, (a, b) -> b.version() > a.version() ? b : a);
      }
    }

    @FinishBundle
    public void finish(FinishBundleContext context) {
      if (!newest.isEmpty()) {
        context.output(
            KV.of(GoldTable.ANOMALIES.tableName(), List.copyOf(newest.values())),
            GlobalWindow.INSTANCE.maxTimestamp(),
            GlobalWindow.INSTANCE);
      }
      newest = null;
    }
  }

  static final class Evaluate extends DoFn<KV<String, List<GoldRow>>, GoldRow> {
    @StateId("hours")
    private final StateSpec<ValueState<Map<Long, HourlyAnomalies.Hour>>> hoursSpec =
        StateSpecs.value(MapCoder.of(VarLongCoder.of(), new HourCoder()));

    @StateId("version")
    private final StateSpec<ValueState<Long>> versionSpec = StateSpecs.value(VarLongCoder.of());

    @ProcessElement
    public void process(
        @Element KV<String, List<GoldRow>> batch,
        @StateId("hours") ValueState<Map<Long, HourlyAnomalies.Hour>> hoursState,
        @StateId("version") ValueState<Long> versionState,
        OutputReceiver<GoldRow> out) {
      Map<Long, HourlyAnomalies.Hour> stored = hoursState.read();
      TreeMap<Long, HourlyAnomalies.Hour> hours =
          stored == null ? new TreeMap<>() : new TreeMap<>(stored);
      Long last = versionState.read();
      long version = Math.max(AggregateGold.nowMicros(), last == null ? 0 : last + 1);
      List<GoldRow> findings = new ArrayList<>();
      TreeSet<Long> affected = new TreeSet<>();
      for (GoldRow r : batch.getValue()) {
        long hour = (Long) r.key().values().get(0);
        HourlyAnomalies.Hour before = hours.get(hour);
        if (before != null && before.version() > r.version()) {
          continue;
        }
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
        affected.addAll(
            hours.subMap(hour, true, hour + 24 * HourlyAnomalies.HOUR_MICROS, true).keySet());
      }
      for (long h : affected) {
        if (!hours.get(h).present()) {
          continue;
        }
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
