package io.ddb2delta.export;

import io.ddb2delta.delta.DataFile;
import io.ddb2delta.delta.DataFileCoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What the export writer hands the committer: a Parquet file written for a table, or one data
 * file's tally. One output of one type, because the Spark runner cannot translate a multi-output
 * DoFn over a bounded collection in a streaming pipeline (an export beside a stream).
 *
 * <p>Guarantees: exactly one of {@code file} (with its {@code table}) and {@code tally} is set.
 */
record ExportPart(@Nullable String table, @Nullable DataFile file, @Nullable FileTally tally) {
  ExportPart {
    if ((file == null) == (tally == null) || (file != null && table == null)) {
      throw new IllegalArgumentException("an export part is a table's file or a file's tally");
    }
  }

  static ExportPart file(String table, DataFile file) {
    return new ExportPart(table, file, null);
  }

  static ExportPart tally(FileTally tally) {
    return new ExportPart(null, null, tally);
  }

  /** A deterministic coder: a flag, then the table and file, or the tally. */
  static final class PartCoder extends AtomicCoder<ExportPart> {
    private static final PartCoder INSTANCE = new PartCoder();
    private static final Coder<FileTally> TALLY = SerializableCoder.of(FileTally.class);

    static PartCoder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ExportPart part, OutputStream out) throws IOException {
      BooleanCoder.of().encode(part.file() != null, out);
      if (part.file() != null) {
        StringUtf8Coder.of().encode(part.table(), out);
        DataFileCoder.of().encode(part.file(), out);
      } else {
        TALLY.encode(part.tally(), out);
      }
    }

    @Override
    public ExportPart decode(InputStream in) throws IOException {
      if (BooleanCoder.of().decode(in)) {
        return file(StringUtf8Coder.of().decode(in), DataFileCoder.of().decode(in));
      }
      return tally(TALLY.decode(in));
    }
  }
}
