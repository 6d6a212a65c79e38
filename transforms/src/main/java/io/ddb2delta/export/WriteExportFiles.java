package io.ddb2delta.export;

import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.delta.DataFile;
import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaFileWriter;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.delta.DeltaTableSchema;
import io.ddb2delta.mapping.SchemaEvolution;
import io.ddb2delta.mapping.SilverMapper;
import io.ddb2delta.mapping.TableMapping;
import io.ddb2delta.tables.ChangeRows;
import io.ddb2delta.tables.DeltaTargets;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;

/**
 * Reads export data files and writes their rows straight into Parquet files for bronze, silver and
 * quarantine, emitting for the committer the written files (with their table) and one {@link
 * FileTally} per data file, as {@link ExportPart}s.
 *
 * <p>Decode, map and write are fused in one DoFn so that export rows never cross a coder: that is
 * most of the batch path's throughput. Every line ends in bronze or quarantine, and every bronze
 * row in silver or quarantine. Structural faults (a missing file, a truncated gzip, a checksum
 * mismatch) fail the bundle with a message naming the file; nothing of a failed bundle is
 * committed, because only the committer makes files visible.
 */
class WriteExportFiles extends DoFn<ExportDataFile, ExportPart> {

  private final ExportManifest manifest;
  private final DeltaTargets targets;
  private final long targetFileBytes;

  private final Counter linesRead = Metrics.counter("export", "lines_read");
  private final Counter quarantined = Metrics.counter("export", "quarantined");

  private transient ExportLineDecoder decoder;
  private transient ChangeRows changeRows;
  private transient Map<String, DeltaFileWriter> writers;
  private transient Map<String, DeltaTableSchema> schemas;

  WriteExportFiles(ExportManifest manifest, DeltaTargets targets, long targetFileBytes) {
    this.manifest = manifest;
    this.targets = targets;
    this.targetFileBytes = targetFileBytes;
  }

  @Setup
  public void setup() {
    decoder = new ExportLineDecoder(manifest, targets.mapping().keys());
    changeRows = new ChangeRows(Map.of(manifest.tableName(), targets.mapping()));
    schemas = new HashMap<>(targets.schemas());
    TableMapping m = targets.mapping();
    if (m.evolve()) {
      // The columns silver has evolved when the load starts are filled; new ones are proposed.
      DeltaTable silver = DeltaTable.forPath(targets.pathOf(m.silverTable()));
      changeRows.evolve(
          m.table(), SchemaEvolution.evolvedColumns(m.silverSchema(), silver.columns()));
      schemas.put(m.silverTable(), changeRows.mapper(m.table()).schema());
    }
  }

  @StartBundle
  public void startBundle() {
    writers = new HashMap<>();
  }

  @ProcessElement
  public void process(@Element ExportDataFile file, OutputReceiver<ExportPart> out)
      throws IOException {
    long processingMicros = System.currentTimeMillis() * 1000L;
    long lines = 0;
    long bronze = 0;
    long decodeQ = 0;
    long silver = 0;
    long mapQ = 0;
    MessageDigest md5 = md5();
    Map<String, DeltaColumn> proposed = new LinkedHashMap<>();
    SilverMapper mapper = changeRows.mapper(manifest.tableName());
    try (InputStream raw = open(file);
        DigestInputStream digest =
            new DigestInputStream(new BufferedInputStream(raw, 1 << 16), md5);
        BufferedReader reader =
            new BufferedReader(
                new InputStreamReader(new GZIPInputStream(digest, 1 << 16), StandardCharsets.UTF_8),
                1 << 16)) {
      long lineNumber = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        lines++;
        String text = line;
        long n = lineNumber;
        ChangeRows.Rows rows =
            changeRows.of(
                () -> decoder.decode(text, file.dataFileKey(), n),
                manifest.tableName(),
                () -> SourcePosition.exportLine(manifest.exportId(), file.dataFileKey(), n),
                () -> text,
                processingMicros);
        rows.forEach(this::write);
        if (rows.bronze() == null) {
          decodeQ++;
        } else {
          bronze++;
          if (rows.silver() != null) {
            silver++;
            mapper.proposeColumns(
                rows.change().record().currentOrLastImage(),
                (name, type) -> proposed.putIfAbsent(name, DeltaColumn.of(name, type)));
          } else {
            mapQ++;
          }
        }
      }
      drain(digest);
    } catch (EOFException | ZipException e) {
      throw new IllegalStateException(
          "export data file "
              + file.location()
              + " is truncated or not valid gzip: "
              + e.getMessage(),
          e);
    }
    checkMd5(file, md5.digest());
    linesRead.inc(lines);
    quarantined.inc(decodeQ + mapQ);
    out.output(
        ExportPart.tally(
            new FileTally(
                file.dataFileKey(),
                file.itemCount(),
                lines,
                bronze,
                decodeQ,
                silver,
                mapQ,
                List.copyOf(proposed.values()))));
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext context) throws IOException {
    for (Map.Entry<String, DeltaFileWriter> e : writers.entrySet()) {
      List<DataFile> files = e.getValue().finish();
      for (DataFile f : files) {
        context.output(
            ExportPart.file(e.getKey(), f),
            GlobalWindow.INSTANCE.maxTimestamp(),
            GlobalWindow.INSTANCE);
      }
    }
    writers = null;
  }

  @Teardown
  public void teardown() throws IOException {
    if (writers != null) {
      for (DeltaFileWriter w : writers.values()) {
        w.close();
      }
    }
  }

  private void write(String table, Object[] row) {
    writer(table).write(row);
  }

  private DeltaFileWriter writer(String table) {
    DeltaFileWriter w = writers.get(table);
    if (w == null) {
      w =
          new DeltaFileWriter(
              targets.pathOf(table),
              schemas.get(table),
              targetFileBytes,
              "part-" + UUID.randomUUID());
      writers.put(table, w);
    }
    return w;
  }

  private static InputStream open(ExportDataFile file) throws IOException {
    return ExportFiles.open(file.location(), "export data file listed in manifest-files.json");
  }

  /**
   * Reads what gzip left unread (trailing members or padding) so the checksum covers every byte.
   */
  private static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[8192];
    while (in.read(buffer) >= 0) {
      // discard
    }
  }

  private static void checkMd5(ExportDataFile file, byte[] actual) {
    String expected = file.md5Checksum();
    if (expected == null || expected.isBlank()) {
      return;
    }
    String base64 = Base64.getEncoder().encodeToString(actual);
    String hex = HexFormat.of().formatHex(actual);
    if (!expected.equals(base64) && !expected.equalsIgnoreCase(hex)) {
      throw new IllegalStateException(
          "export data file "
              + file.location()
              + " fails its manifest checksum: md5 is "
              + base64
              + " but manifest-files.json says "
              + expected);
    }
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
