package io.ddb2delta.pipelines.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ddb2delta.current.CurrentTable;
import io.ddb2delta.delta.DeltaColumn;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Compares the live items of a DynamoDB table with the rows of its {@code <table>_current}, in
 * memory bounded by one bucket whatever the table's size.
 *
 * <p>Both sides are reduced to the same canonical text per key: the item's typed columns and its
 * {@code _attributes} with map entries sorted and sets ordered, so attribute order and set order do
 * not count as differences. Each side spills its rows into {@code buckets} files by key hash;
 * {@link #finish} then joins one bucket at a time. The checksums are the sum of a 64-bit digest of
 * each key and row, so they do not depend on the order in which rows arrive. Sides may be fed from
 * many threads at once.
 */
final class CurrentComparison implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One difference, for the report: the key and each side's canonical row, null where absent. */
  record Sample(String key, String dynamo, String current) {}

  /** What the comparison found. */
  record Report(
      String table,
      long dynamoItems,
      long currentRows,
      long missing,
      long extra,
      long differing,
      long untypeable,
      long duplicateKeys,
      List<Sample> samples,
      String dynamoChecksum,
      String currentChecksum) {
    long differences() {
      return missing + extra + differing + untypeable + duplicateKeys;
    }
  }

  private final CurrentTable table;
  private final int[] keyPositions;
  private final Path spill;
  private final int buckets;
  private final int maxSamples;
  private final Side dynamo;
  private final Side current;
  private final AtomicLong untypeable = new AtomicLong();
  private final List<Sample> untypeableSamples = new ArrayList<>();

  CurrentComparison(CurrentTable table, Path spill, int buckets, int maxSamples)
      throws IOException {
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be at least 1, got " + buckets);
    }
    this.table = table;
    this.keyPositions = table.keyPositions();
    this.spill = Files.createDirectories(spill);
    this.buckets = buckets;
    this.maxSamples = maxSamples;
    this.dynamo = new Side("dynamodb");
    this.current = new Side("current");
  }

  /** Adds a live item, as {@link CurrentTable#itemRow} typed it. */
  void addItem(Object[] itemRow) {
    dynamo.add(itemRow);
  }

  /** Adds a live item that cannot be typed: {@code _current} cannot hold it as it is. */
  void addUntypeable(String key, String reason) {
    dynamo.count.incrementAndGet();
    untypeable.incrementAndGet();
    synchronized (untypeableSamples) {
      if (untypeableSamples.size() < maxSamples) {
        untypeableSamples.add(new Sample(key, "cannot be typed: " + reason, null));
      }
    }
  }

  /** Adds a row of {@code <table>_current}, its leading {@link CurrentTable#itemWidth} values. */
  void addRow(Object[] row) {
    current.add(row);
  }

  long dynamoCount() {
    return dynamo.count.get();
  }

  long currentCount() {
    return current.count.get();
  }

  /** Joins the two sides bucket by bucket. */
  Report finish() throws IOException {
    dynamo.close();
    current.close();
    long missing = 0;
    long extra = 0;
    long differing = 0;
    long duplicates = 0;
    List<Sample> samples = new ArrayList<>(untypeableSamples);
    for (int b = 0; b < buckets; b++) {
      Map<String, String> rows = new HashMap<>();
      for (Iterator<String[]> it = current.read(b); it.hasNext(); ) {
        String[] r = it.next();
        if (rows.put(r[0], r[1]) != null) {
          duplicates++;
          sample(samples, new Sample(r[0], null, "more than one row with this key"));
        }
      }
      for (Iterator<String[]> it = dynamo.read(b); it.hasNext(); ) {
        String[] item = it.next();
        String row = rows.remove(item[0]);
        if (row == null) {
          missing++;
          sample(samples, new Sample(item[0], item[1], null));
        } else if (!row.equals(item[1])) {
          differing++;
          sample(samples, new Sample(item[0], item[1], row));
        }
      }
      extra += rows.size();
      for (Map.Entry<String, String> e : new TreeMap<>(rows).entrySet()) {
        sample(samples, new Sample(e.getKey(), null, e.getValue()));
      }
    }
    return new Report(
        table.table(),
        dynamo.count.get(),
        current.count.get(),
        missing,
        extra,
        differing,
        untypeable.get(),
        duplicates,
        samples,
        dynamo.checksum(),
        current.checksum());
  }

  private void sample(List<Sample> samples, Sample s) {
    if (samples.size() < maxSamples) {
      samples.add(s);
    }
  }

  @Override
  public void close() throws IOException {
    dynamo.close();
    current.close();
    try (var files = Files.list(spill)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(spill);
  }

  /** The canonical text of the key of a row's leading values, for reports and joins. */
  String keyText(Object[] itemRow) {
    ArrayNode key = JsonNodeFactory.instance.arrayNode();
    for (int p : keyPositions) {
      key.add(node(itemRow[p]));
    }
    return key.toString();
  }

  /** The canonical text of a row's leading values: its columns by name, then its attributes. */
  String rowText(Object[] itemRow) {
    ObjectNode row = JsonNodeFactory.instance.objectNode();
    List<DeltaColumn> columns = table.schema().columns();
    for (int i = 0; i < itemRow.length - 1; i++) {
      row.set(columns.get(i).name(), node(itemRow[i]));
    }
    Object attributes = itemRow[itemRow.length - 1];
    try {
      row.set(
          columns.get(itemRow.length - 1).name(),
          canonical(JSON.readTree(attributes == null ? "{}" : attributes.toString())));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("an _attributes value is not JSON: " + attributes, e);
    }
    return row.toString();
  }

  /** A typed value as JSON: decimals as their exact text, maps by key, bytes as base64. */
  private static JsonNode node(Object v) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (v == null) {
      return f.nullNode();
    } else if (v instanceof BigDecimal d) {
      return f.textNode(d.toPlainString());
    } else if (v instanceof Long || v instanceof Integer) {
      return f.numberNode(((Number) v).longValue());
    } else if (v instanceof Boolean b) {
      return f.booleanNode(b);
    } else if (v instanceof byte[] bytes) {
      return f.textNode(Base64.getEncoder().encodeToString(bytes));
    } else if (v instanceof List<?> list) {
      ArrayNode out = f.arrayNode();
      list.forEach(e -> out.add(node(e)));
      return out;
    } else if (v instanceof Map<?, ?> map) {
      ObjectNode out = f.objectNode();
      new TreeMap<>(map).forEach((k, e) -> out.set(String.valueOf(k), node(e)));
      return out;
    }
    return f.textNode(v.toString());
  }

  /** DynamoDB JSON with members by name and each set's members in order; DynamoDB keeps neither. */
  private static JsonNode canonical(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      TreeMap<String, JsonNode> fields = new TreeMap<>();
      node.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
      fields.forEach(
          (name, value) -> {
            JsonNode v = canonical(value);
            boolean set =
                v.isArray() && (name.equals("SS") || name.equals("NS") || name.equals("BS"));
            out.set(name, set ? sorted((ArrayNode) v) : v);
          });
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(v -> out.add(canonical(v)));
      return out;
    }
    return node;
  }

  private static ArrayNode sorted(ArrayNode members) {
    List<String> texts = new ArrayList<>();
    members.forEach(m -> texts.add(m.asText()));
    texts.sort(null);
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    texts.forEach(out::add);
    return out;
  }

  /** One side: a count, an order-independent checksum and the bucket files of its rows. */
  private final class Side {
    private final String name;
    private final DataOutputStream[] out;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong sum = new AtomicLong();
    private boolean closed;

    Side(String name) throws IOException {
      this.name = name;
      this.out = new DataOutputStream[buckets];
      for (int b = 0; b < buckets; b++) {
        out[b] =
            new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file(b)), 1 << 16));
      }
    }

    private Path file(int bucket) {
      return spill.resolve(name + "-" + bucket);
    }

    void add(Object[] itemRow) {
      String key = keyText(itemRow);
      String row = rowText(itemRow);
      sum.addAndGet(digest(key, row));
      count.incrementAndGet();
      DataOutputStream o = out[Math.floorMod(key.hashCode(), buckets)];
      synchronized (o) {
        try {
          write(o, key);
          write(o, row);
        } catch (IOException e) {
          throw new UncheckedIOException("spilling a row of " + table.name(), e);
        }
      }
    }

    String checksum() {
      return String.format("%016x", sum.get());
    }

    synchronized void close() throws IOException {
      if (!closed) {
        closed = true;
        for (DataOutputStream o : out) {
          o.close();
        }
      }
    }

    Iterator<String[]> read(int bucket) throws IOException {
      DataInputStream in =
          new DataInputStream(new BufferedInputStream(Files.newInputStream(file(bucket)), 1 << 16));
      return new Iterator<>() {
        private String[] next = advance();

        private String[] advance() {
          try {
            String key = readText(in);
            if (key == null) {
              in.close();
              return null;
            }
            return new String[] {key, readText(in)};
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }

        @Override
        public boolean hasNext() {
          return next != null;
        }

        @Override
        public String[] next() {
          String[] r = next;
          next = advance();
          return r;
        }
      };
    }
  }

  private static void write(DataOutputStream o, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    o.writeInt(bytes.length);
    o.write(bytes);
  }

  private static String readText(DataInputStream in) throws IOException {
    int length;
    try {
      length = in.readInt();
    } catch (EOFException end) {
      return null;
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  private static long digest(String key, String row) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(key.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      byte[] d = sha.digest(row.getBytes(StandardCharsets.UTF_8));
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (d[i] & 0xff);
      }
      return v;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
