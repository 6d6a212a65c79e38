package io.ddb2delta.cdc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A set of 128-bit fingerprints (the MD5 of an identity), each mapped to the batch that handled it,
 * in flat arrays of about 21 bytes a slot, instead of the strings, nodes and boxed numbers of a
 * {@code HashMap<String, Long>} (DedupMemoryBenchmark measures what {@link HandledIds} retains).
 *
 * <p>128 bits, so that two identities among the millions remembered never share a fingerprint in
 * practice (a shared one would skip a record as a duplicate). Open addressing with linear probing
 * and backward-shift deletion, so removal leaves no tombstones. Not thread-safe.
 */
final class Fingerprints {
  private static final int MIN_CAPACITY = 1 << 10;

  private long[] hi = new long[MIN_CAPACITY];
  private long[] lo = new long[MIN_CAPACITY];
  private int[] batch = new int[MIN_CAPACITY];
  private boolean[] used = new boolean[MIN_CAPACITY];
  private int size;
  private final MessageDigest md5;

  Fingerprints() {
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The fingerprint of an identity: two longs, high then low. */
  long[] of(String identity) {
    byte[] d = md5.digest(identity.getBytes(StandardCharsets.UTF_8));
    return new long[] {longAt(d, 0), longAt(d, 8)};
  }

  int size() {
    return size;
  }

  /** The batch mapped to the fingerprint, or -1. */
  long get(long h, long l) {
    int mask = used.length - 1;
    for (int i = slot(h, mask); used[i]; i = (i + 1) & mask) {
      if (hi[i] == h && lo[i] == l) {
        return batch[i];
      }
    }
    return -1;
  }

  /** Maps the fingerprint to {@code b}, replacing an earlier batch. */
  void put(long h, long l, long b) {
    if (b < 0 || b > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("batch numbers run from 0 to 2^31-1, not " + b);
    }
    put(h, l, (int) b);
  }

  private void put(long h, long l, int b) {
    // At most 3/4 full: linear probing stays short, and the arrays about 21 bytes a slot.
    if ((size + 1) * 4L > used.length * 3L) {
      grow();
    }
    int mask = used.length - 1;
    int i = slot(h, mask);
    while (used[i]) {
      if (hi[i] == h && lo[i] == l) {
        batch[i] = b;
        return;
      }
      i = (i + 1) & mask;
    }
    used[i] = true;
    hi[i] = h;
    lo[i] = l;
    batch[i] = b;
    size++;
  }

  /** Removes the fingerprint if it is still mapped to {@code b}. */
  void remove(long h, long l, long b) {
    int mask = used.length - 1;
    int i = slot(h, mask);
    while (used[i] && !(hi[i] == h && lo[i] == l)) {
      i = (i + 1) & mask;
    }
    if (!used[i] || batch[i] != b) {
      return;
    }
    // Backward shift: move later entries of the probe run into the hole when their home allows.
    int hole = i;
    for (int j = (hole + 1) & mask; used[j]; j = (j + 1) & mask) {
      int home = slot(hi[j], mask);
      boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        hi[hole] = hi[j];
        lo[hole] = lo[j];
        batch[hole] = batch[j];
        hole = j;
      }
    }
    used[hole] = false;
    size--;
  }

  void clear() {
    Arrays.fill(used, false);
    size = 0;
  }

  private void grow() {
    long[] oldHi = hi;
    long[] oldLo = lo;
    int[] oldBatch = batch;
    boolean[] oldUsed = used;
    int capacity = used.length * 2;
    hi = new long[capacity];
    lo = new long[capacity];
    batch = new int[capacity];
    used = new boolean[capacity];
    size = 0;
    for (int i = 0; i < oldUsed.length; i++) {
      if (oldUsed[i]) {
        put(oldHi[i], oldLo[i], oldBatch[i]);
      }
    }
  }

  private static int slot(long h, int mask) {
    // MD5 bits are uniform already; the low bits of the high half pick the slot.
    return (int) h & mask;
  }

  private static long longAt(byte[] b, int off) {
    long v = 0;
    for (int k = 0; k < 8; k++) {
      v = (v << 8) | (b[off + k] & 0xffL);
    }
    return v;
  }
}
