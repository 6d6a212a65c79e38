package io.ddb2delta.tools;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ddb2delta.export.ExportFormat;
import io.ddb2delta.model.DynamoJson;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Writes an export folder in the layout of DynamoDB's export to S3: {@code
 * <output>/AWSDynamoDB/<exportId>/} holding {@code _started}, {@code manifest-summary.json}, {@code
 * manifest-files.json}, their {@code .checksum} files and gzipped data files under {@code data/}.
 *
 * <p>Guarantees: the per-file {@code itemCount} is the number of lines written to that file, and
 * the summary's is their sum; {@code md5Checksum} (base64) and {@code etag} (hex) are the MD5 of
 * the gz bytes as stored; each {@code .checksum} holds the hex MD5 of its manifest; {@code
 * dataFileS3Key} is relative to the folder that contains {@code AWSDynamoDB}, as AWS writes it for
 * an export to the bucket root. The same description and lines give byte-identical files. An
 * existing export folder is never overwritten.
 */
public final class ExportWriter {
  static final String ACCOUNT = "123456789012";
  static final String REGION = "us-east-1";
  static final String BUCKET = "ddb2delta-synthetic-exports";

  private static final char[] NAME_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  /** What the manifest says about the export, apart from its files. */
  public record Description(
      String tableName,
      String tableId,
      String exportId,
      ExportFormat format,
      ExportType type,
      Instant exportTime,
      @Nullable Instant exportFromTime) {

    public Description {
      Objects.requireNonNull(tableName, "tableName");
      Objects.requireNonNull(tableId, "tableId");
      Objects.requireNonNull(exportId, "exportId");
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(exportTime, "exportTime");
      if (type == ExportType.INCREMENTAL && exportFromTime == null) {
        throw new IllegalArgumentException("an incremental export needs exportFromTime");
      }
    }

    String tableArn() {
      return "arn:aws:dynamodb:" + REGION + ":" + ACCOUNT + ":table/" + tableName;
    }
  }

  /** One data file as listed in {@code manifest-files.json}. */
  public record DataFile(String dataFileS3Key, long itemCount, String md5Checksum, String etag) {}

  /** The written export: its folder, files and total item count. */
  public record Export(Path directory, List<DataFile> dataFiles, long itemCount) {}

  private ExportWriter() {}

  /**
   * Writes the export under {@code output}, one data file per element of {@code files}, each line
   * of which becomes one line of the file; an empty element gives an empty data file.
   */
  public static Export write(
      Path output, Description description, List<? extends Iterable<String>> files)
      throws IOException {
    String folder = "AWSDynamoDB/" + description.exportId();
    Path directory = output.resolve(folder);
    if (Files.exists(directory)) {
      throw new IOException("export folder " + directory + " already exists; remove it first");
    }
    Files.createDirectories(directory.resolve("data"));
    Files.write(directory.resolve("_started"), new byte[0]);

    List<DataFile> dataFiles = new ArrayList<>();
    long itemCount = 0;
    long billedBytes = 0;
    for (int i = 0; i < files.size(); i++) {
      String key =
          folder
              + "/data/"
              + dataFileName(description.exportId(), i)
              + description.format().fileSuffix();
      Written written = writeDataFile(output.resolve(key), description.format(), files.get(i));
      dataFiles.add(
          new DataFile(
              key,
              written.lines(),
              Base64.getEncoder().encodeToString(written.md5()),
              HexFormat.of().formatHex(written.md5())));
      itemCount += written.lines();
      billedBytes += written.uncompressedBytes();
    }

    writeWithChecksum(directory, "manifest-files", manifestFiles(dataFiles));
    writeWithChecksum(
        directory,
        "manifest-summary",
        manifestSummary(description, folder + "/manifest-files.json", itemCount, billedBytes));
    return new Export(directory, List.copyOf(dataFiles), itemCount);
  }

  /** A name like AWS's: 26 lowercase base32 characters, derived from the export id and index. */
  static String dataFileName(String exportId, int index) {
    SplittableRandom random =
        new SplittableRandom(SyntheticItems.mix(exportId.hashCode() * 31L + index));
    char[] name = new char[26];
    for (int i = 0; i < name.length; i++) {
      name[i] = NAME_ALPHABET[random.nextInt(NAME_ALPHABET.length)];
    }
    return new String(name);
  }

  private record Written(long lines, long uncompressedBytes, byte[] md5) {}

  private static Written writeDataFile(Path path, ExportFormat format, Iterable<String> lines)
      throws IOException {
    MessageDigest md5 = md5();
    long count = 0;
    CountingOutputStream uncompressed;
    try (OutputStream file = Files.newOutputStream(path);
        DigestOutputStream digested = new DigestOutputStream(file, md5);
        GZIPOutputStream gzip = new GZIPOutputStream(digested, 1 << 16);
        CountingOutputStream counted = new CountingOutputStream(gzip);
        Writer writer =
            new BufferedWriter(new OutputStreamWriter(counted, StandardCharsets.UTF_8), 1 << 16)) {
      uncompressed = counted;
      for (String line : lines) {
        if (count == 0 && format == ExportFormat.ION) {
          writer.write("$ion_1_0 ");
        }
        writer.write(line);
        writer.write('\n');
        count++;
      }
    }
    return new Written(count, uncompressed.count(), md5.digest());
  }

  private static byte[] manifestFiles(List<DataFile> dataFiles) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (DataFile file : dataFiles) {
      try (JsonGenerator gen = DynamoJson.factory().createGenerator(out)) {
        gen.writeStartObject();
        gen.writeNumberField("itemCount", file.itemCount());
        gen.writeStringField("md5Checksum", file.md5Checksum());
        gen.writeStringField("etag", file.etag());
        gen.writeStringField("dataFileS3Key", file.dataFileS3Key());
        gen.writeEndObject();
      }
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static byte[] manifestSummary(
      Description description, String manifestFilesKey, long itemCount, long billedBytes)
      throws IOException {
    Instant startTime = description.exportTime().plusMillis(2_345);
    Instant endTime = startTime.plusMillis(312_869);
    boolean incremental = description.type() == ExportType.INCREMENTAL;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator gen = DynamoJson.factory().createGenerator(out)) {
      gen.writeStartObject();
      gen.writeStringField("version", incremental ? "2023-08-01" : "2020-06-30");
      gen.writeStringField(
          "exportArn", description.tableArn() + "/export/" + description.exportId());
      gen.writeStringField("startTime", SyntheticItems.iso(startTime));
      gen.writeStringField("endTime", SyntheticItems.iso(endTime));
      gen.writeStringField("tableArn", description.tableArn());
      gen.writeStringField("tableId", description.tableId());
      gen.writeStringField("exportTime", SyntheticItems.iso(description.exportTime()));
      if (incremental) {
        gen.writeStringField("exportFromTime", SyntheticItems.iso(description.exportFromTime()));
        gen.writeStringField("exportToTime", SyntheticItems.iso(description.exportTime()));
      }
      gen.writeStringField("s3Bucket", BUCKET);
      gen.writeNullField("s3Prefix");
      gen.writeStringField("s3SseAlgorithm", "AES256");
      gen.writeNullField("s3SseKmsKeyId");
      gen.writeStringField("manifestFilesS3Key", manifestFilesKey);
      gen.writeNumberField("billedSizeBytes", billedBytes);
      gen.writeNumberField("itemCount", itemCount);
      gen.writeStringField("outputFormat", description.format().name());
      if (incremental) {
        gen.writeStringField("outputView", "NEW_AND_OLD_IMAGES");
        gen.writeStringField("exportType", "INCREMENTAL_EXPORT");
      }
      gen.writeEndObject();
    }
    out.write('\n');
    return out.toByteArray();
  }

  private static void writeWithChecksum(Path directory, String name, byte[] content)
      throws IOException {
    Files.write(directory.resolve(name + ".json"), content);
    String hex = HexFormat.of().formatHex(md5().digest(content));
    Files.writeString(directory.resolve(name + ".checksum"), hex, StandardCharsets.US_ASCII);
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides MD5", e);
    }
  }

  /** Counts the bytes passing through, for billedSizeBytes. */
  private static final class CountingOutputStream extends FilterOutputStream {
    private long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    long count() {
      return count;
    }
  }
}
