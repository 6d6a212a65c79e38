package io.ddb2delta.tools;

import io.ddb2delta.tools.LoadGenerator.Op;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The record of every change a load run made, for joining with what later lands in Delta.
 *
 * <p>Guarantees: each acknowledged write is counted once, by table and op; with a file, each is
 * also appended as one JSON line {@code
 * {"write_start_ms":..,"write_ms":..,"table":"orders","op":"MODIFY","key":"ord-000000007"}} where
 * {@code write_ms} is the wall-clock time DynamoDB acknowledged the write, in the order the writes
 * were made. Memory stays constant however long the run. Thread-safe.
 */
public final class LoadLog implements Closeable {
  /** One acknowledged write; times are epoch milliseconds. */
  public record Entry(long writeStartMillis, long writeMillis, String table, Op op, String key) {
    private static final Pattern LINE =
        Pattern.compile(
            "\\{\"write_start_ms\":(\\d+),\"write_ms\":(\\d+),\"table\":\"([a-z_]+)\","
                + "\"op\":\"(INSERT|MODIFY|REMOVE)\",\"key\":\"((?:[^\"\\\\]|\\\\.)*)\"}");

    /** The JSON line, without the newline. */
    public String toJson() {
      return "{\"write_start_ms\":"
          + writeStartMillis
          + ",\"write_ms\":"
          + writeMillis
          + ",\"table\":\""
          + table
          + "\",\"op\":\""
          + op
          + "\",\"key\":\""
          + escape(key)
          + "\"}";
    }

    /** Parses a line that {@link #toJson} wrote. */
    public static Entry parse(String line) {
      Matcher m = LINE.matcher(line.strip());
      if (!m.matches()) {
        throw new IllegalArgumentException("not a load log line: " + line);
      }
      return new Entry(
          Long.parseLong(m.group(1)),
          Long.parseLong(m.group(2)),
          m.group(3),
          Op.valueOf(m.group(4)),
          unescape(m.group(5)));
    }
  }

  private final BufferedWriter out;
  private final Map<String, EnumMap<Op, Long>> counts = new TreeMap<>();
  private long total;

  private LoadLog(BufferedWriter out) {
    this.out = out;
  }

  /** A log that only counts. */
  public static LoadLog inMemory() {
    return new LoadLog(null);
  }

  /** A log that counts and appends JSON lines to {@code file}, creating it if missing. */
  public static LoadLog appendingTo(Path file) throws IOException {
    return new LoadLog(
        Files.newBufferedWriter(
            file,
            StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND));
  }

  /** Every entry of a log file, in order. */
  public static List<Entry> read(Path file) throws IOException {
    try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.filter(l -> !l.isBlank()).map(Entry::parse).toList();
    }
  }

  public synchronized void append(Entry entry) {
    counts
        .computeIfAbsent(entry.table(), t -> new EnumMap<>(Op.class))
        .merge(entry.op(), 1L, Long::sum);
    total++;
    if (out != null) {
      try {
        out.write(entry.toJson());
        out.newLine();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot append to the load log", e);
      }
    }
  }

  /** Changes so far. */
  public synchronized long total() {
    return total;
  }

  /** Changes so far by table name and op; a copy. */
  public synchronized Map<String, Map<Op, Long>> counts() {
    Map<String, Map<Op, Long>> copy = new TreeMap<>();
    counts.forEach((table, byOp) -> copy.put(table, new EnumMap<>(byOp)));
    return copy;
  }

  /** Writes buffered lines through to the file. */
  public synchronized void flush() throws IOException {
    if (out != null) {
      out.flush();
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      out.close();
    }
  }

  private static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static String unescape(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\') {
        b.append(c);
      } else if (text.charAt(i + 1) == 'u') {
        b.append((char) Integer.parseInt(text.substring(i + 2, i + 6), 16));
        i += 5;
      } else {
        b.append(text.charAt(++i));
      }
    }
    return b.toString();
  }
}
