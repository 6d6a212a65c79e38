package io.ddb2delta.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ddb2delta.model.DynamoValue;
import io.ddb2delta.tools.LoadGenerator.Config;
import io.ddb2delta.tools.LoadGenerator.Mix;
import io.ddb2delta.tools.LoadGenerator.Op;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {
  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

  private static Config config(List<SyntheticTable> tables, Mix mix, int maxLiveKeys) {
    return new Config(tables, 100, mix, 7, 1000, null, maxLiveKeys);
  }

  @Test
  void drawsFollowTheMixWithinOnePercentOver10000Draws() {
    Mix mix = Mix.parse("60,30,10");
    SplittableRandom random = new SplittableRandom(99);
    Map<Op, Integer> counts = new EnumMap<>(Op.class);
    for (int i = 0; i < 10_000; i++) {
      counts.merge(mix.draw(random), 1, Integer::sum);
    }
    assertThat(counts.get(Op.INSERT) / 10_000.0).isCloseTo(0.60, within(0.015));
    assertThat(counts.get(Op.MODIFY) / 10_000.0).isCloseTo(0.30, within(0.015));
    assertThat(counts.get(Op.REMOVE) / 10_000.0).isCloseTo(0.10, within(0.015));
  }

  @Test
  void aMixMustBeThreePercentagesSummingTo100() {
    assertThat(Mix.parse(" 100, 0,0")).isEqualTo(new Mix(100, 0, 0));
    assertThatThrownBy(() -> Mix.parse("60,30")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Mix.parse("60,30,20")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Mix.parse("110,-10,0")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aConfigNeedsALimit() {
    assertThatThrownBy(
            () -> new Config(List.of(SyntheticTable.ORDERS), 10, Mix.parse("60,30,10"), 1, 0, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void modifyAndRemoveOnlyTargetKeysThatExistEvenWhenTrackingIsBounded() {
    // 40 tracked keys per table against 10,000 changes forces many evictions.
    LoadPlan plan =
        new LoadPlan(
            config(
                List.of(SyntheticTable.ORDERS, SyntheticTable.USERS), Mix.parse("40,35,25"), 40));
    Set<String> existing = new HashSet<>();
    Map<Op, Integer> ops = new EnumMap<>(Op.class);
    for (int i = 0; i < 10_000; i++) {
      LoadPlan.Change c = plan.next(NOW.plusMillis(i));
      String id = c.table() + "/" + c.key();
      switch (c.op()) {
        case INSERT -> assertThat(existing.add(id)).as("insert of a new key %s", id).isTrue();
        case MODIFY -> assertThat(existing).as("modify target").contains(id);
        case REMOVE -> assertThat(existing.remove(id)).as("remove of %s", id).isTrue();
      }
      ops.merge(c.op(), 1, Integer::sum);
    }
    assertThat(ops).containsKeys(Op.INSERT, Op.MODIFY, Op.REMOVE);
    assertThat(plan.liveKeys(SyntheticTable.ORDERS)).isLessThanOrEqualTo(40);
  }

  @Test
  void orderStatusStartsPendingAndOnlyMovesForward() {
    Map<String, Set<String>> allowed =
        Map.of(
            "pending", Set.of("shipped", "cancelled"),
            "shipped", Set.of("completed"),
            "completed", Set.of("completed"),
            "cancelled", Set.of("cancelled"));
    LoadPlan plan = new LoadPlan(config(List.of(SyntheticTable.ORDERS), Mix.parse("30,65,5"), 200));
    Map<String, String> status = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      LoadPlan.Change c = plan.next(NOW.plusSeconds(i));
      switch (c.op()) {
        case INSERT -> {
          assertThat(c.item().get("status")).isEqualTo(new DynamoValue.S("pending"));
          assertThat(c.item()).doesNotContainKey("tracking");
          status.put(c.key(), "pending");
        }
        case MODIFY -> {
          String before = status.get(c.key());
          String after = ((DynamoValue.S) c.changed().get("status")).value();
          assertThat(allowed.get(before)).as("%s -> %s", before, after).contains(after);
          if (after.equals("shipped")) {
            assertThat(c.changed()).containsKey("tracking");
          }
          seen.add(before + "->" + after);
          status.put(c.key(), after);
        }
        case REMOVE -> status.remove(c.key());
      }
    }
    assertThat(seen)
        .contains(
            "pending->shipped", "pending->cancelled", "shipped->completed", "completed->completed");
  }

  @Test
  void everyModifyChangesTheItemSoItMakesAStreamRecord() {
    LoadPlan plan = new LoadPlan(config(List.of(SyntheticTable.values()), Mix.parse("20,80,0"), 5));
    for (int i = 0; i < 2_000; i++) {
      // The same instant every time: timestamps alone would not make a change.
      LoadPlan.Change c = plan.next(NOW);
      if (c.op() == Op.MODIFY) {
        assertThat(c.changed()).containsKey("version");
        assertThat(c.item()).containsAllEntriesOf(c.changed());
      }
    }
  }

  @Test
  void theSameSeedGivesTheSameChanges() {
    Config config = config(List.of(SyntheticTable.values()), Mix.parse("60,30,10"), 100);
    LoadPlan a = new LoadPlan(config);
    LoadPlan b = new LoadPlan(config);
    List<LoadPlan.Change> first = new ArrayList<>();
    List<LoadPlan.Change> second = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      first.add(a.next(NOW.plusMillis(i)));
      second.add(b.next(NOW.plusMillis(i)));
    }
    assertThat(first).isEqualTo(second);
    assertThat(first).extracting(LoadPlan.Change::table).contains(SyntheticTable.values());
  }

  /** A clock that only moves when the pacer sleeps (or the test advances it). */
  private static final class FakeClock implements Pacer.Clock {
    long now = 1_000_000_000L;
    int sleeps;

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void sleepNanos(long nanos) {
      assertThat(nanos).isPositive();
      sleeps++;
      now += nanos;
    }
  }

  @Test
  void thePacerSpacesCallsAtTheRateBySleeping() throws InterruptedException {
    FakeClock clock = new FakeClock();
    Pacer pacer = new Pacer(200, clock);
    long start = clock.now;
    for (int i = 0; i < 1_001; i++) {
      pacer.acquire();
    }
    // 1,001 calls at 200/s: the last is due 1,000 / 200 = 5 s after the first.
    assertThat(clock.now - start).isCloseTo(5_000_000_000L, within(1_000L));
    assertThat(clock.sleeps).isEqualTo(1_000);
  }

  @Test
  void afterAStallThePacerDoesNotBurst() throws InterruptedException {
    FakeClock clock = new FakeClock();
    Pacer pacer = new Pacer(100, clock);
    pacer.acquire();
    clock.now += Duration.ofSeconds(10).toNanos();
    long resumed = clock.now;
    for (int i = 0; i < 11; i++) {
      pacer.acquire();
    }
    // The first call after the stall goes at once, the next ten at 10 ms spacing.
    assertThat(clock.now - resumed).isCloseTo(100_000_000L, within(1_000L));
  }

  @Test
  void logLinesRoundTrip() {
    LoadLog.Entry entry =
        new LoadLog.Entry(1_700_000_000_000L, 1_700_000_000_004L, "orders", Op.REMOVE, "a\"b\\c\n");
    assertThat(entry.toJson())
        .isEqualTo(
            "{\"write_start_ms\":1700000000000,\"write_ms\":1700000000004,\"table\":\"orders\","
                + "\"op\":\"REMOVE\",\"key\":\"a\\\"b\\\\c\\u000a\"}");
    assertThat(LoadLog.Entry.parse(entry.toJson())).isEqualTo(entry);
  }

  @Test
  void theLogCountsByTableAndOp() {
    LoadLog log = LoadLog.inMemory();
    log.append(new LoadLog.Entry(1, 2, "orders", Op.INSERT, "ord-1"));
    log.append(new LoadLog.Entry(3, 4, "orders", Op.INSERT, "ord-2"));
    log.append(new LoadLog.Entry(5, 6, "users", Op.REMOVE, "user-1"));
    assertThat(log.total()).isEqualTo(3);
    assertThat(log.counts())
        .isEqualTo(Map.of("orders", Map.of(Op.INSERT, 2L), "users", Map.of(Op.REMOVE, 1L)));
  }
}
