package io.ddb2delta.tables;

import io.ddb2delta.change.DecodeException;
import io.ddb2delta.change.DecodedChange;
import io.ddb2delta.change.SourcePosition;
import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.mapping.KeyMismatchException;
import io.ddb2delta.mapping.MappingException;
import io.ddb2delta.mapping.SilverMapper;
import io.ddb2delta.mapping.TableMapping;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The per-record flow that every source shares: a record that decodes gives a bronze row, and a
 * silver row of its table or, when it cannot be typed, a quarantine row; a record that does not
 * decode gives a quarantine row alone.
 *
 * <p>Guarantees: every record gives bronze or quarantine, and every bronze row silver or
 * quarantine; a quarantine row keeps the exact input, its position, the stage, a stable error class
 * and a message that starts with the position. Nothing is thrown for bad input. Not thread-safe.
 */
public final class ChangeRows {
  /** What the caller's decoder does; it throws {@link DecodeException} for bad input. */
  @FunctionalInterface
  public interface Decoder {
    DecodedChange decode() throws DecodeException;
  }

  /**
   * The rows of one record. {@code change} and {@code bronze} are null when it did not decode;
   * {@code silver} is null when it did not decode or type, and {@code quarantine} is then set.
   */
  public record Rows(
      @Nullable DecodedChange change,
      @Nullable String silverTable,
      Object @Nullable [] bronze,
      Object @Nullable [] silver,
      Object @Nullable [] quarantine) {

    /** Each row with its table: bronze, then silver or quarantine. */
    public void forEach(RowSink sink) {
      if (bronze != null) {
        sink.write(BronzeTable.NAME, bronze);
      }
      if (silver != null) {
        sink.write(silverTable, silver);
      }
      if (quarantine != null) {
        sink.write(QuarantineTable.NAME, quarantine);
      }
    }
  }

  /**
   * What decoding one record gave: the change, or a stable error class and a reason. Exactly one of
   * {@code change} and {@code errorClass} is set.
   */
  public record Decoded(
      @Nullable DecodedChange change, @Nullable String errorClass, @Nullable String reason) {
    public boolean ok() {
      return change != null;
    }
  }

  /** Runs the decoder; bad input gives its error, and nothing is thrown for it. */
  public static Decoded decode(Decoder decoder) {
    try {
      return new Decoded(decoder.decode(), null, null);
    } catch (DecodeException e) {
      return new Decoded(null, e.errorClass(), e.getMessage());
    } catch (RuntimeException e) {
      // A decoder bug or an input no check foresaw: still kept, with what was thrown.
      return new Decoded(
          null,
          DecodeException.INVALID_SHAPE,
          e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** Takes one row for a table. */
  @FunctionalInterface
  public interface RowSink {
    void write(String table, Object[] row);
  }

  private final Map<String, SilverMapper> mappers = new HashMap<>();

  /**
   * @param mappingByTable the mapping of each DynamoDB table a record may name; an export maps its
   *     table through whatever mapping the user gave, so the key need not be the mapping's table
   */
  public ChangeRows(Map<String, TableMapping> mappingByTable) {
    mappingByTable.forEach((table, m) -> mappers.put(table, new SilverMapper(m)));
  }

  /** The mapper of a DynamoDB table's records, or null when no mapping is for it. */
  public @Nullable SilverMapper mapper(String dynamoTable) {
    return mappers.get(dynamoTable);
  }

  /**
   * Types the records of {@code dynamoTable} from now on into its silver table's evolved columns as
   * well, those it has beyond its mapping's ({@link SilverMapper#SilverMapper(TableMapping,
   * List)}); a table without a mapping here is left alone.
   */
  public void evolve(String dynamoTable, List<DeltaColumn> evolved) {
    SilverMapper current = mappers.get(dynamoTable);
    if (current != null && !current.evolvedColumns().equals(evolved)) {
      mappers.put(dynamoTable, new SilverMapper(current.mapping(), evolved));
    }
  }

  /** Each table through its own mapping. */
  public static ChangeRows forTables(Collection<TableMapping> mappings) {
    Map<String, TableMapping> byTable = new HashMap<>();
    for (TableMapping m : mappings) {
      byTable.put(m.table(), m);
    }
    return new ChangeRows(byTable);
  }

  /**
   * The rows of one record.
   *
   * @param table the record's table as far as it is known before decoding (the export's table; for
   *     a stream, a placeholder), named by a quarantine row of a record that does not decode
   * @param position where the record is, and {@code raw} the exact input: both asked for only when
   *     a quarantine row needs them, which keeps the per-record path free of them
   */
  public Rows of(
      Decoder decoder,
      String table,
      Supplier<SourcePosition> position,
      Supplier<String> raw,
      long processingMicros) {
    Decoded result = decode(decoder);
    if (!result.ok()) {
      return undecodable(
          table, position.get(), raw.get(), result.errorClass(), result.reason(), processingMicros);
    }
    return of(result.change(), position, raw, processingMicros);
  }

  /**
   * The rows of a record that decoded: bronze, and silver or, when it cannot be typed, quarantine.
   */
  public Rows of(
      DecodedChange decoded,
      Supplier<SourcePosition> position,
      Supplier<String> raw,
      long processingMicros) {
    String decodedTable = decoded.record().tableName();
    Object[] bronze = BronzeTable.row(decoded.record(), decoded.raw(), processingMicros);
    SilverMapper mapper = mappers.get(decodedTable);
    if (mapper == null) {
      throw new IllegalStateException(
          "no mapping for table " + decodedTable + ", which the decoder accepted");
    }
    try {
      Object[] silver = mapper.map(decoded.record(), processingMicros, decoded.image());
      return new Rows(decoded, mapper.mapping().silverTable(), bronze, silver, null);
    } catch (MappingException | IllegalArgumentException e) {
      Object[] q =
          quarantine(
              decodedTable,
              position.get(),
              raw.get(),
              QuarantineRecord.STAGE_MAP,
              e instanceof KeyMismatchException ? KeyMismatchException.ERROR_CLASS : "MAPPING",
              e.getMessage(),
              processingMicros);
      return new Rows(decoded, mapper.mapping().silverTable(), bronze, null, q);
    }
  }

  /** The quarantine row alone, for a record that failed before it could be decoded. */
  public static Rows undecodable(
      String table,
      SourcePosition position,
      String raw,
      String errorClass,
      String reason,
      long processingMicros) {
    return new Rows(
        null,
        null,
        null,
        null,
        quarantine(
            table,
            position,
            raw,
            QuarantineRecord.STAGE_DECODE,
            errorClass,
            reason,
            processingMicros));
  }

  private static Object[] quarantine(
      String table,
      SourcePosition position,
      String raw,
      String stage,
      String errorClass,
      String reason,
      long processingMicros) {
    QuarantineRecord q =
        new QuarantineRecord(table, position, raw, stage, errorClass, position + ": " + reason);
    return QuarantineTable.row(q, processingMicros);
  }
}
