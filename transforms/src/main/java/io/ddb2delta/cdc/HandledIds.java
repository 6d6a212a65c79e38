package io.ddb2delta.cdc;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The identities (event ids, or positions for records without one) that a change committer handled
 * in each of its recent batches, kept for a horizon so that a duplicate or a replayed record is
 * recognised even when it arrives out of order or after a restart.
 *
 * <p>Each batch also keeps the shard positions committed before it. The positions before the oldest
 * remembered batch are the {@link #floor}: every record at or before the floor was committed more
 * than a horizon ago, and every record handled since is in memory. So a record that is neither
 * remembered nor at or before the floor has never been committed, however old its source time (as
 * in a TRIM_HORIZON catch-up) and in whatever order it arrives.
 *
 * <p>Each batch's identities are written to {@code <dir>/<batch>.ids} <em>before</em> the batch's
 * Delta commits, so the file exists for every committed batch. A file for a batch that no table
 * committed (a crash between the two) is ignored on load and overwritten by the next batch. Each
 * file also keeps a fingerprint of its batch's input, so that a writer can tell its own retried
 * batch from another one still on its way to the committer, and the folder keeps the newest batch
 * recorded before the current run ({@link #settle}): nothing older can still be on its way. The
 * folder starts with an underscore, so Delta readers and VACUUM leave it alone.
 */
final class HandledIds {
  private static final String SUFFIX = ".ids";

  /** Leads a file that holds the positions before its batch; older files start with a time. */
  private static final long FORMAT_WITH_POSITIONS = -2;

  /** Leads a file that also holds the fingerprint of the batch's input. */
  private static final long FORMAT_WITH_INPUT = -3;

  /** Holds the newest batch number recorded before the current run started. */
  private static final String SETTLED = "_settled";

  private final Path dir;
  private final FileSystem fs;
  private final long horizonMillis;
  private final Fingerprints batchByFingerprint = new Fingerprints();
  private final ArrayDeque<Batch> batches = new ArrayDeque<>();

  /** A remembered batch; {@code fingerprints} holds two longs per identity, for eviction. */
  private record Batch(
      long number, long committedAtMillis, ShardPositions positionsBefore, long[] fingerprints) {}

  HandledIds(String dir, long horizonMillis) {
    boolean hasScheme = dir.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
    this.dir = new Path(hasScheme ? dir : new File(dir).getAbsoluteFile().toURI().toString());
    this.horizonMillis = horizonMillis;
    try {
      this.fs = this.dir.getFileSystem(new Configuration());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + dir, e);
    }
  }

  /** The batch that handled this identity, within the horizon, or null. */
  @Nullable Long batchOf(String identity) {
    long[] f = batchByFingerprint.of(identity);
    long b = batchByFingerprint.get(f[0], f[1]);
    return b < 0 ? null : b;
  }

  int size() {
    return batchByFingerprint.size();
  }

  /**
   * The positions at or before which a record not remembered is a replay: those committed before
   * the oldest remembered batch, or {@code committed} when no batch is remembered (everything
   * committed is then older than the horizon).
   */
  ShardPositions floor(ShardPositions committed) {
    return batches.isEmpty() ? committed : batches.peekFirst().positionsBefore();
  }

  /** Forgets everything and reads the batches up to {@code lastCommitted} within the horizon. */
  void load(long lastCommitted, long nowMillis) {
    batchByFingerprint.clear();
    batches.clear();
    try {
      List<Long> numbers = new java.util.ArrayList<>(numbers());
      numbers.removeIf(n -> n > lastCommitted);
      numbers.sort(null);
      for (long n : numbers) {
        Stored b = read(n);
        if (b != null && b.committedAtMillis() >= nowMillis - horizonMillis) {
          add(n, b.committedAtMillis(), b.positionsBefore(), b.ids());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read handled ids under " + dir, e);
    }
  }

  /**
   * Persists a batch's identities and the positions committed before it, then remembers them; call
   * before committing the batch.
   */
  void record(long batch, long nowMillis, ShardPositions positionsBefore, Collection<String> ids) {
    record(batch, nowMillis, positionsBefore, ids, 0L);
  }

  /**
   * As {@link #record(long, long, ShardPositions, Collection)}, keeping {@code inputFingerprint},
   * which {@link #inputFingerprintOf} reads back.
   */
  void record(
      long batch,
      long nowMillis,
      ShardPositions positionsBefore,
      Collection<String> ids,
      long inputFingerprint) {
    Path file = fileOf(batch);
    try {
      fs.mkdirs(dir);
      try (DataOutputStream out =
          new DataOutputStream(new GZIPOutputStream(fs.create(file, true), 1 << 16))) {
        out.writeLong(FORMAT_WITH_INPUT);
        out.writeLong(nowMillis);
        out.writeLong(inputFingerprint);
        out.writeUTF(positionsBefore.toJson());
        out.writeInt(ids.size());
        for (String id : ids) {
          out.writeUTF(id);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    add(batch, nowMillis, positionsBefore, ids);
    evict(nowMillis);
  }

  /** Drops batches older than the horizon, from memory and, for old enough ones, from storage. */
  void evict(long nowMillis) {
    while (!batches.isEmpty()
        && batches.peekFirst().committedAtMillis < nowMillis - horizonMillis) {
      Batch old = batches.removeFirst();
      long[] f = old.fingerprints;
      for (int i = 0; i < f.length; i += 2) {
        batchByFingerprint.remove(f[i], f[i + 1], old.number);
      }
      try {
        fs.delete(fileOf(old.number), false);
      } catch (IOException e) {
        // Left behind, it is ignored on load once older than the horizon.
      }
    }
  }

  private void add(
      long number, long committedAtMillis, ShardPositions positionsBefore, Collection<String> ids) {
    long[] fingerprints = new long[ids.size() * 2];
    int i = 0;
    for (String id : ids) {
      long[] f = batchByFingerprint.of(id);
      fingerprints[i++] = f[0];
      fingerprints[i++] = f[1];
      batchByFingerprint.put(f[0], f[1], number);
    }
    batches.addLast(new Batch(number, committedAtMillis, positionsBefore, fingerprints));
  }

  /** A batch as its file holds it. */
  private record Stored(long committedAtMillis, ShardPositions positionsBefore, List<String> ids) {}

  /** The newest batch recorded here, whether committed or not, from the listing alone; or -1. */
  long newestBatch() {
    try {
      long newest = -1;
      for (long n : numbers()) {
        newest = Math.max(newest, n);
      }
      return newest;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list handled ids under " + dir, e);
    }
  }

  /**
   * The fingerprint of the input recorded with {@code batch}, read from the file's header alone; 0
   * for a file written without one or torn by a crash.
   */
  long inputFingerprintOf(long batch) {
    try (DataInputStream in =
        new DataInputStream(new GZIPInputStream(fs.open(fileOf(batch)), 1 << 10))) {
      if (in.readLong() != FORMAT_WITH_INPUT) {
        return 0;
      }
      in.readLong(); // the time it was recorded
      return in.readLong();
    } catch (EOFException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + fileOf(batch), e);
    }
  }

  /**
   * Starts a run: deletes the records of batches above {@code committed} (no table committed them,
   * and none can arrive any more), then marks every batch still recorded as from an earlier run, so
   * that no writer waits for one of them. Call before the run's writers start.
   */
  void settle(long committed) {
    Path marker = new Path(dir, SETTLED);
    try {
      long newest = -1;
      for (long n : numbers()) {
        if (n > committed) {
          fs.delete(fileOf(n), false);
        } else {
          newest = Math.max(newest, n);
        }
      }
      fs.mkdirs(dir);
      try (DataOutputStream out = new DataOutputStream(fs.create(marker, true))) {
        out.writeLong(newest);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot settle the handled ids under " + dir, e);
    }
  }

  /** The newest batch recorded before this run started, or -1. */
  long settled() {
    Path file = new Path(dir, SETTLED);
    try {
      if (!fs.exists(file)) {
        return -1;
      }
      try (DataInputStream in = new DataInputStream(fs.open(file))) {
        return in.readLong();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private List<Long> numbers() throws IOException {
    List<Long> numbers = new java.util.ArrayList<>();
    if (!fs.exists(dir)) {
      return numbers;
    }
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (name.endsWith(SUFFIX)) {
        try {
          numbers.add(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())));
        } catch (NumberFormatException e) {
          // not one of ours
        }
      }
    }
    return numbers;
  }

  private @Nullable Stored read(long n) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new GZIPInputStream(fs.open(fileOf(n)), 1 << 16))) {
      long at = in.readLong();
      // A file of an earlier version has no positions: an empty floor takes nothing for a replay.
      ShardPositions before = ShardPositions.empty();
      if (at == FORMAT_WITH_POSITIONS || at == FORMAT_WITH_INPUT) {
        boolean withInput = at == FORMAT_WITH_INPUT;
        at = in.readLong();
        if (withInput) {
          in.readLong(); // the input's fingerprint, which inputFingerprintOf reads
        }
        before = ShardPositions.fromJson(in.readUTF());
      }
      int count = in.readInt();
      List<String> ids = new java.util.ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        ids.add(in.readUTF());
      }
      return new Stored(at, before, ids);
    } catch (EOFException e) {
      // Torn by a crash while being written: its batch was never committed.
      return null;
    }
  }

  private Path fileOf(long batch) {
    return new Path(dir, batch + SUFFIX);
  }
}
