package io.ddb2delta.gold;

import com.google.auto.value.AutoValue;
import io.ddb2delta.cdc.DecodedMessage;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.mapping.TableMapping;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Aggregates the decoded changes of the orders table into the {@link GoldTable}s: one {@link
 * GoldRow} per changed group, to be upserted by {@link WriteGold}.
 *
 * <ul>
 *   <li>The change log ({@link GoldTable#WINDOWED_METRICS}) is windowed by each change's event time
 *       into 5-minute windows: an early pane {@code earlyFiringDelay} after a window's first
 *       change, the on-time pane when the watermark passes its end, a late pane for every later
 *       change within {@code allowedLateness}; later changes are dropped. Panes accumulate, so each
 *       one is the window's whole value and a late pane replaces the row.
 *   <li>Current orders (the other tables) keep, per group, the newest {@link Contribution} of every
 *       order that ever touched it, in state without timers (the Spark runner rejects them), and
 *       emit the group's new row with every bundle that changes it. A group emptied by updates or
 *       removes emits its deletion.
 *   <li>Duplicates, replays and changes out of order all give the same rows ({@link
 *       Contribution#newer}); each event counts once in its window, by event id.
 * </ul>
 *
 * <p>The hourly rows also feed {@link DetectAnomalies}, whose rows go to {@link
 * GoldTable#ANOMALIES}. Both paths combine within a bundle first, so the runners' shuffles and
 * state carry one value per group and bundle rather than one per change.
 */
@AutoValue
public abstract class AggregateGold
    extends PTransform<PCollection<DecodedMessage>, PCollection<GoldRow>> {
  public static final String METRICS_NAMESPACE = "gold";

  abstract TableMapping mapping();

  abstract Duration allowedLateness();

  abstract Duration earlyFiringDelay();

  abstract @Nullable String committedRoot();

  abstract @Nullable PCollectionView<?> replayAfter();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setMapping(TableMapping m);

    abstract Builder setAllowedLateness(Duration d);

    abstract Builder setEarlyFiringDelay(Duration d);

    abstract Builder setCommittedRoot(@Nullable String deltaRoot);

    abstract Builder setReplayAfter(@Nullable PCollectionView<?> commits);

    abstract AggregateGold build();
  }

  /** Gold over the table of {@code mapping}, which must map the {@link OrderColumns#ORDERS}. */
  public static AggregateGold of(TableMapping mapping) {
    return new AutoValue_AggregateGold.Builder()
        .setMapping(mapping)
        .setAllowedLateness(Duration.standardHours(1))
        .setEarlyFiringDelay(Duration.standardSeconds(2))
        .build();
  }

  public AggregateGold withAllowedLateness(Duration d) {
    return toBuilder().setAllowedLateness(d).build();
  }

  public AggregateGold withEarlyFiringDelay(Duration d) {
    return toBuilder().setEarlyFiringDelay(d).build();
  }

  /**
   * Starts from what the tables under {@code deltaRoot} hold ({@link ReplayCommitted}): the orders'
   * changes in bronze, and the stored rows' versions; so gold is whole after a restart, and counts
   * the rows of exports loaded by earlier runs.
   */
  public AggregateGold withCommittedChangesOf(String deltaRoot) {
    return toBuilder().setCommittedRoot(deltaRoot).build();
  }

  /**
   * Replays the committed changes once {@code commits} is ready, e.g. the commits of the run's
   * exports, so that their rows count in gold.
   */
  public AggregateGold replayAfter(PCollectionView<?> commits) {
    return toBuilder().setReplayAfter(commits).build();
  }

  static final MapCoder<String, Contribution> ENTRIES =
      MapCoder.of(StringUtf8Coder.of(), ContributionCoder.of());
  static final KvCoder<GoldKey, Contribution> CONTRIBUTION =
      KvCoder.of(GoldCoders.KeyCoder.INSTANCE, ContributionCoder.of());
  static final KvCoder<GoldKey, Map<String, Contribution>> GROUP_ENTRIES =
      KvCoder.of(GoldCoders.KeyCoder.INSTANCE, ENTRIES);

  @Override
  public PCollection<GoldRow> expand(PCollection<DecodedMessage> decoded) {
    if (allowedLateness().isShorterThan(Duration.ZERO)) {
      throw new IllegalArgumentException("allowedLateness must not be negative");
    }
    if (!earlyFiringDelay().isLongerThan(Duration.ZERO)) {
      throw new IllegalArgumentException("earlyFiringDelay must be positive");
    }
    OrderContributions contributions = new OrderContributions(OrderColumns.of(mapping()));
    PCollectionTuple replayed =
        committedRoot() == null
            ? null
            : decoded
                .getPipeline()
                .apply(
                    "Replay committed changes",
                    new ReplayCommitted(committedRoot(), contributions, replayAfter()));

    PCollection<KV<GoldKey, Contribution>> events =
        decoded
            .apply("Change events", ParDo.of(new ToEvents(contributions)))
            .setCoder(CONTRIBUTION);
    PCollection<KV<GoldKey, Contribution>> orders =
        decoded
            .apply("Order contributions", ParDo.of(new ToOrders(contributions)))
            .setCoder(CONTRIBUTION);
    if (replayed != null) {
      events =
          PCollectionList.of(events)
              .and(replayed.get(ReplayCommitted.EVENTS))
              .apply("With committed events", Flatten.pCollections())
              .setCoder(CONTRIBUTION);
    }

    PCollection<GoldRow> windowed =
        events
            .apply(
                "Window by event time",
                Window.<KV<GoldKey, Contribution>>into(
                        FixedWindows.of(Duration.millis(GoldTable.WINDOW_MICROS / 1000)))
                    .triggering(
                        AfterWatermark.pastEndOfWindow()
                            .withEarlyFirings(
                                AfterProcessingTime.pastFirstElementInPane()
                                    .plusDelayOf(earlyFiringDelay()))
                            .withLateFirings(AfterPane.elementCountAtLeast(1)))
                    .withAllowedLateness(allowedLateness())
                    .accumulatingFiredPanes())
            .apply("Combine events per bundle", ParDo.of(new CombinePerBundle()))
            .setCoder(GROUP_ENTRIES)
            .apply("Combine events per window", Combine.perKey(new MergeEntries()))
            .setCoder(GROUP_ENTRIES)
            .apply("Window rows", ParDo.of(new WindowRows()))
            .setCoder(GoldCoders.RowCoder.INSTANCE)
            .apply(
                "Leave the windows",
                Window.<GoldRow>into(new GlobalWindows())
                    .triggering(DefaultTrigger.of())
                    .discardingFiredPanes()
                    .withAllowedLateness(Duration.ZERO));

    PCollection<KV<GoldKey, Map<String, Contribution>>> groups =
        orders
            .apply("Combine orders per bundle", ParDo.of(new CombinePerBundle()))
            .setCoder(GROUP_ENTRIES);
    if (replayed != null) {
      groups =
          PCollectionList.of(groups)
              .and(replayed.get(ReplayCommitted.ORDERS))
              .apply("With committed groups", Flatten.pCollections())
              .setCoder(GROUP_ENTRIES);
    }
    PCollection<GoldRow> current =
        groups
            .apply("Keep groups", ParDo.of(new KeepGroups()))
            .setCoder(GoldCoders.RowCoder.INSTANCE);

    PCollection<GoldRow> anomalies = current.apply("Detect anomalies", new DetectAnomalies());

    return PCollectionList.of(windowed)
        .and(current)
        .and(anomalies)
        .apply("Rows of every gold table", Flatten.pCollections())
        .setCoder(GoldCoders.RowCoder.INSTANCE);
  }

  /** The change as one event of the change log, at its event time. */
  static final class ToEvents extends DoFn<DecodedMessage, KV<GoldKey, Contribution>> {
    private final OrderContributions contributions;

    ToEvents(OrderContributions contributions) {
      this.contributions = contributions;
    }

    @ProcessElement
    public void process(@Element DecodedMessage m, OutputReceiver<KV<GoldKey, Contribution>> out) {
      DecodedChange change = m.change();
      if (change == null) {
        return;
      }
      KV<GoldKey, Contribution> event = contributions.toEvent(change);
      if (event != null) {
        out.outputWithTimestamp(event, new Instant(change.record().eventTimeMicros() / 1000));
      }
    }

    /**
     * A change's event time precedes its arrival, by which the sources stamp it; how far behind the
     * watermark it lands is the windows' business (allowed lateness), not an error.
     */
    @Override
    @SuppressWarnings("deprecation")
    public Duration getAllowedTimestampSkew() {
      return Duration.millis(Long.MAX_VALUE);
    }
  }

  /** The change's contributions to the groups over current orders. */
  static final class ToOrders extends DoFn<DecodedMessage, KV<GoldKey, Contribution>> {
    private final OrderContributions contributions;

    ToOrders(OrderContributions contributions) {
      this.contributions = contributions;
    }

    @ProcessElement
    public void process(@Element DecodedMessage m, OutputReceiver<KV<GoldKey, Contribution>> out) {
      DecodedChange change = m.change();
      if (change != null) {
        contributions.toOrders(change).forEach(out::output);
      }
    }
  }

  /** Keeps the newest contribution per entry and group within a bundle, per window. */
  static final class CombinePerBundle
      extends DoFn<KV<GoldKey, Contribution>, KV<GoldKey, Map<String, Contribution>>> {
    private transient Map<BoundedWindow, Map<GoldKey, Map<String, Contribution>>> groups;

    @StartBundle
    public void start() {
      groups = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element KV<GoldKey, Contribution> c, BoundedWindow window) {
      groups
          .computeIfAbsent(window, w -> new HashMap<>())
          .computeIfAbsent(c.getKey(), k -> new HashMap<>())
          .merge(c.getValue().id(), c.getValue(), Contribution::newer);
    }

    @FinishBundle
    public void finish(FinishBundleContext context) {
      groups.forEach(
          (window, byKey) ->
              byKey.forEach(
                  (key, entries) ->
                      context.output(KV.of(key, entries), window.maxTimestamp(), window)));
      groups = null;
    }
  }

  /** Merges groups' entries, the newest contribution per entry winning. */
  static final class MergeEntries
      extends Combine.CombineFn<
          Map<String, Contribution>, Map<String, Contribution>, Map<String, Contribution>> {
    @Override
    public Map<String, Contribution> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public Map<String, Contribution> addInput(
        Map<String, Contribution> acc, Map<String, Contribution> input) {
      input.forEach((id, c) -> acc.merge(id, c, Contribution::newer));
      return acc;
    }

    @Override
    public Map<String, Contribution> mergeAccumulators(Iterable<Map<String, Contribution>> accs) {
      Map<String, Contribution> merged = new HashMap<>();
      for (Map<String, Contribution> a : accs) {
        addInput(merged, a);
      }
      return merged;
    }

    @Override
    public Map<String, Contribution> extractOutput(Map<String, Contribution> acc) {
      // A copy: an accumulating runner goes on adding to the accumulator after a pane.
      return new HashMap<>(acc);
    }

    @Override
    public org.apache.beam.sdk.coders.Coder<Map<String, Contribution>> getAccumulatorCoder(
        org.apache.beam.sdk.coders.CoderRegistry registry,
        org.apache.beam.sdk.coders.Coder<Map<String, Contribution>> inputCoder) {
      return ENTRIES;
    }
  }

  /** A window's pane as the row of its window and event type; an empty pane gives nothing. */
  static final class WindowRows extends DoFn<KV<GoldKey, Map<String, Contribution>>, GoldRow> {
    @ProcessElement
    public void process(
        @Element KV<GoldKey, Map<String, Contribution>> pane,
        IntervalWindow window,
        OutputReceiver<GoldRow> out) {
      if (pane.getValue().isEmpty()) {
        return;
      }
      List<Object> key = List.of(window.start().getMillis() * 1000, pane.getKey().values().get(0));
      Totals t = Totals.of(pane.getValue().values());
      // Events only join a window, once each by event id: a pane with more of them is newer,
      // whatever pane index a restarted job gives it.
      long version = t.count();
      out.output(
          new GoldRow(
              new GoldKey(pane.getKey().table(), key),
              GoldTable.WINDOWED_METRICS.row(key, t, version, nowMicros()),
              version));
    }
  }

  /**
   * Keeps each group's entries and emits its row every time a bundle changes them. A version floor
   * ({@link Contribution#versionFloor}) raises the versions the group emits from then on, and
   * re-emits a group that already has entries.
   */
  static final class KeepGroups extends DoFn<KV<GoldKey, Map<String, Contribution>>, GoldRow> {
    @StateId("entries")
    private final StateSpec<ValueState<Map<String, Contribution>>> entriesSpec =
        StateSpecs.value(ENTRIES);

    @StateId("version")
    private final StateSpec<ValueState<Long>> versionSpec = StateSpecs.value(VarLongCoder.of());

    private final Counter emptied = Metrics.counter(METRICS_NAMESPACE, "groups_emptied");

    @ProcessElement
    public void process(
        @Element KV<GoldKey, Map<String, Contribution>> update,
        @StateId("entries") ValueState<Map<String, Contribution>> state,
        @StateId("version") ValueState<Long> lastVersion,
        OutputReceiver<GoldRow> out) {
      Group kept =
          Group.of(state.read(), lastVersion.read()).update(update.getKey(), update.getValue());
      lastVersion.write(kept.version());
      if (kept.row() != null) {
        state.write(kept.entries());
        emit(kept.row(), out, emptied);
      }
    }
  }

  private static void emit(GoldRow row, DoFn.OutputReceiver<GoldRow> out, Counter emptied) {
    if (row.row() == null) {
      emptied.inc();
    }
    out.output(row);
  }

  /**
   * A group's entries and the version of its last row. A version floor ({@link
   * Contribution#versionFloor}) raises the versions the group emits from then on; an update that
   * leaves the group with entries emits its row, even one that brought only a floor.
   */
  record Group(Map<String, Contribution> entries, long version, @Nullable GoldRow row) {
    static Group of(@Nullable Map<String, Contribution> entries, @Nullable Long version) {
      return new Group(entries == null ? Map.of() : entries, version == null ? -1 : version, null);
    }

    Group update(GoldKey key, Map<String, Contribution> update) {
      Map<String, Contribution> merged = new HashMap<>(entries);
      long floor = version;
      for (Map.Entry<String, Contribution> e : update.entrySet()) {
        if (e.getKey().equals(Contribution.FLOOR_ID)) {
          floor = Math.max(floor, e.getValue().eventMicros());
        } else {
          merged.merge(e.getKey(), e.getValue(), Contribution::newer);
        }
      }
      if (merged.isEmpty()) {
        // Only a floor, before any entry: there is no row to emit yet.
        return new Group(merged, floor, null);
      }
      Totals t = Totals.of(merged.values());
      long next = Math.max(t.version() * VERSION_STEPS, floor + 1);
      return new Group(
          merged,
          next,
          new GoldRow(
              key, GoldTable.named(key.table()).row(key.values(), t, next, nowMicros()), next));
    }
  }

  /**
   * A current-order row's version is {@code VERSION_STEPS} times the event time (microseconds) of
   * its newest change, plus a step that orders the values a group takes while that change is its
   * newest: so versions of one row strictly increase, and a stale value never replaces a newer one.
   */
  static final long VERSION_STEPS = 1000;

  static long nowMicros() {
    return System.currentTimeMillis() * 1000;
  }
}
