package io.ddb2delta.delta;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * A compact Beam coder for {@link DataFile}.
 *
 * <p>Guarantees: deterministic. Partition values are encoded in map order, which for files from
 * {@link DeltaFileWriter} is always the table's partition-column order, so equal files encode
 * equally.
 */
public final class DataFileCoder extends AtomicCoder<DataFile> {

  private static final DataFileCoder INSTANCE = new DataFileCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final VarLongCoder LONG = VarLongCoder.of();
  private static final VarIntCoder INT = VarIntCoder.of();
  private static final BooleanCoder BOOLEAN = BooleanCoder.of();

  private DataFileCoder() {}

  public static DataFileCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(DataFile file, OutputStream out) throws IOException {
    STRING.encode(file.path(), out);
    INT.encode(file.partitionValues().size(), out);
    for (Map.Entry<String, String> e : file.partitionValues().entrySet()) {
      STRING.encode(e.getKey(), out);
      BOOLEAN.encode(e.getValue() != null, out);
      if (e.getValue() != null) {
        STRING.encode(e.getValue(), out);
      }
    }
    LONG.encode(file.sizeBytes(), out);
    LONG.encode(file.modificationTimeMillis(), out);
    LONG.encode(file.numRecords(), out);
    STRING.encode(file.statsJson(), out);
  }

  @Override
  public DataFile decode(InputStream in) throws IOException {
    String path = STRING.decode(in);
    int n = INT.decode(in);
    Map<String, String> partitionValues = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String key = STRING.decode(in);
      partitionValues.put(key, BOOLEAN.decode(in) ? STRING.decode(in) : null);
    }
    long size = LONG.decode(in);
    long modificationTime = LONG.decode(in);
    long numRecords = LONG.decode(in);
    String stats = STRING.decode(in);
    return new DataFile(path, partitionValues, size, modificationTime, numRecords, stats);
  }

  /** Every component coder is deterministic and the fields are written in a fixed order. */
  @Override
  public void verifyDeterministic() {}
}
