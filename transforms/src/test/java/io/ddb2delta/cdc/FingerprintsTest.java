package io.ddb2delta.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FingerprintsTest {

  @Test
  void anIdentityIsFoundUnderItsBatchAndAnotherIsNot() {
    Fingerprints set = new Fingerprints();
    long[] a = set.of("event:a");
    long[] b = set.of("event:b");
    set.put(a[0], a[1], 7);

    assertThat(set.get(a[0], a[1])).isEqualTo(7);
    assertThat(set.get(b[0], b[1])).isEqualTo(-1);
    assertThat(set.of("event:a")).containsExactly(a);
  }

  @Test
  void removeTakesOnlyTheBatchItNames() {
    Fingerprints set = new Fingerprints();
    long[] a = set.of("event:a");
    set.put(a[0], a[1], 1);
    set.put(a[0], a[1], 2);
    set.remove(a[0], a[1], 1);

    assertThat(set.get(a[0], a[1])).isEqualTo(2);
    set.remove(a[0], a[1], 2);
    assertThat(set.get(a[0], a[1])).isEqualTo(-1);
    assertThat(set.size()).isZero();
  }

  /**
   * Against a HashMap, with high halves drawn from a few hundred values so that probe runs are
   * long, collide, and wrap around the end of the table: every removal must keep the rest findable.
   */
  @Test
  void behavesLikeAMapUnderHeavyCollisions() {
    Random random = new Random(42);
    Fingerprints set = new Fingerprints();
    Map<List<Long>, Long> model = new HashMap<>();
    for (int step = 0; step < 200_000; step++) {
      long hi = random.nextInt(300) * 1024L + (random.nextBoolean() ? 1023 : 0);
      long lo = random.nextInt(40);
      List<Long> key = List.of(hi, lo);
      int op = random.nextInt(3);
      if (op == 0) {
        long batch = random.nextInt(5);
        set.put(hi, lo, batch);
        model.put(key, batch);
      } else if (op == 1) {
        long batch = random.nextInt(5);
        set.remove(hi, lo, batch);
        model.remove(key, batch);
      } else {
        assertThat(set.get(hi, lo)).isEqualTo(model.getOrDefault(key, -1L));
      }
    }
    assertThat(set.size()).isEqualTo(model.size());
    model.forEach((k, v) -> assertThat(set.get(k.get(0), k.get(1))).isEqualTo(v));
  }
}
