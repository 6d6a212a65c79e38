package io.ddb2delta.delta;

import io.delta.storage.CloseableIterator;
import io.delta.storage.LogStore;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * The Delta log store for local paths ({@code file:} scheme), written with java.nio.
 *
 * <p>Why: Hadoop's local file system without its native library forks a {@code readlink} or {@code
 * chmod} process for each rename and file creation, and the default {@code HDFSLogStore} does about
 * five of them per commit; on a busy machine each fork of a JVM costs tens to hundreds of
 * milliseconds, which made a streaming commit of five tables take seconds.
 *
 * <p>Guarantees, as {@code HDFSLogStore} gives them: a commit file is written to a temporary file
 * in the same folder and then made visible whole, so readers never see a partial file; without
 * overwrite it is published with a hard link, which fails if the file exists, atomically and across
 * processes, so two writers of the same version cannot both succeed (the loser gets {@link
 * FileAlreadyExistsException}). With overwrite it is moved over the target atomically.
 */
public final class NioLocalLogStore extends LogStore {
  /** The Hadoop setting that makes delta-standalone use this store for {@code file:} paths. */
  public static final String CONF_KEY = "delta.logStore.file.impl";

  public NioLocalLogStore(Configuration initHadoopConf) {
    super(initHadoopConf);
  }

  @Override
  public CloseableIterator<String> read(Path path, Configuration hadoopConf) throws IOException {
    BufferedReader reader;
    try {
      reader = Files.newBufferedReader(local(path), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new FileNotFoundException(path.toString());
    }
    return new CloseableIterator<>() {
      private String next = readLine();

      private String readLine() {
        try {
          return reader.readLine();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public String next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        String line = next;
        next = readLine();
        return line;
      }

      @Override
      public void close() throws IOException {
        reader.close();
      }
    };
  }

  @Override
  public void write(
      Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf)
      throws IOException {
    java.nio.file.Path target = local(path);
    java.nio.file.Path dir = target.getParent();
    Files.createDirectories(dir);
    if (!overwrite && Files.exists(target)) {
      throw new FileAlreadyExistsException(path.toString());
    }
    java.nio.file.Path temp =
        dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
        while (actions.hasNext()) {
          out.write(actions.next());
          out.write('\n');
        }
      }
      if (overwrite) {
        Files.move(
            temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } else {
        try {
          // Fails if the target exists, atomically: the put-if-absent a commit needs.
          Files.createLink(target, temp);
        } catch (UnsupportedOperationException e) {
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        }
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public Iterator<FileStatus> listFrom(Path path, Configuration hadoopConf) throws IOException {
    java.nio.file.Path start = local(path);
    java.nio.file.Path dir = start.getParent();
    if (!Files.isDirectory(dir)) {
      throw new FileNotFoundException("no such folder: " + dir);
    }
    String from = start.getFileName().toString();
    List<FileStatus> out = new ArrayList<>();
    try (Stream<java.nio.file.Path> files = Files.list(dir)) {
      for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (name.compareTo(from) < 0) {
          continue;
        }
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (NoSuchFileException gone) {
          continue;
        }
        if (a.isDirectory()) {
          continue;
        }
        out.add(
            new FileStatus(
                a.size(),
                false,
                1,
                32L << 20,
                a.lastModifiedTime().toMillis(),
                new Path(p.toUri())));
      }
    }
    out.sort((x, y) -> x.getPath().getName().compareTo(y.getPath().getName()));
    return out.iterator();
  }

  @Override
  public Path resolvePathOnPhysicalStorage(Path path, Configuration hadoopConf) {
    return new Path(local(path).toUri());
  }

  /**
   * True, as for {@code HDFSLogStore}: a local disk shows a file while it is written. This store's
   * own writes hide that, but delta-standalone writes checkpoint files itself and consults this to
   * decide whether to write them to a temporary file and rename; with false it wrote them in place,
   * and a reader listing the log while the committer checkpointed failed on a half-written
   * checkpoint ("is not a Parquet file").
   */
  @Override
  public Boolean isPartialWriteVisible(Path path, Configuration hadoopConf) {
    return true;
  }

  private static java.nio.file.Path local(Path path) {
    java.net.URI uri = path.toUri();
    if (uri.getScheme() == null) {
      return new File(uri.getPath()).getAbsoluteFile().toPath();
    }
    if (!"file".equals(uri.getScheme())) {
      throw new IllegalArgumentException("not a local path: " + path);
    }
    return Paths.get(uri);
  }
}
