package io.ddb2delta.pipelines.cdc;

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
 * committed (a crash between the two) is ignored on load and overwritten by the next batch. The
 * folder starts with an underscore, so Delta readers and VACUUM leave it alone.
 */
final class HandledIds {
  private static final String SUFFIX = ".ids";

  /** Leads a file that holds the positions before its batch; older files start with a time. */
  private static final long FORMAT_WITH_POSITIONS = -2;

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
      if (!fs.exists(dir)) {
        return;
      }
      List<Long> numbers = new java.util.ArrayList<>();
      for (FileStatus s : fs.listStatus(dir)) {
        String name = s.getPath().getName();
        if (name.endsWith(SUFFIX)) {
          try {
            long n = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
            if (n <= lastCommitted) {
              numbers.add(n);
            }
          } catch (NumberFormatException e) {
            // not one of ours
          }
        }
      }
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
    Path file = fileOf(batch);
    try {
      fs.mkdirs(dir);
      try (DataOutputStream out =
          new DataOutputStream(new GZIPOutputStream(fs.create(file, true), 1 << 16))) {
        out.writeLong(FORMAT_WITH_POSITIONS);
        out.writeLong(nowMillis);
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

  private @Nullable Stored read(long n) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new GZIPInputStream(fs.open(fileOf(n)), 1 << 16))) {
      long at = in.readLong();
      // A file of an earlier version has no positions: an empty floor takes nothing for a replay.
      ShardPositions before = ShardPositions.empty();
      if (at == FORMAT_WITH_POSITIONS) {
        at = in.readLong();
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
