package io.ddb2delta.pipelines.export;

import io.ddb2delta.delta.CommitResult;
import io.ddb2delta.delta.DataFile;
import io.ddb2delta.delta.DataFileCoder;
import io.ddb2delta.delta.DeltaFileWriter;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.pipelines.DeltaTargets;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTagList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Loads one DynamoDB export into bronze, silver and quarantine, exactly once.
 *
 * <p>The data files the manifest lists are spread across workers; each worker decodes, types and
 * writes Parquet for its files; one committer reconciles the counts and commits every table with
 * the export's transaction id. Emits each table's commit result.
 */
public final class LoadExport extends PTransform<PBegin, PCollection<KV<String, CommitResult>>> {

  private final @Nullable ExportManifest manifest;
  private final @Nullable DeltaTargets targets;
  private final long targetFileBytes;

  private LoadExport(
      @Nullable ExportManifest manifest, @Nullable DeltaTargets targets, long targetFileBytes) {
    this.manifest = manifest;
    this.targets = targets;
    this.targetFileBytes = targetFileBytes;
  }

  /**
   * True when the table already holds this export: its commit recorded the export's transaction.
   */
  public static boolean isLoadedInto(DeltaTable table, ExportManifest manifest) {
    return table.txnVersion(CommitExport.appId(manifest)) >= CommitExport.VERSION;
  }

  public static LoadExport from(ExportManifest manifest) {
    return new LoadExport(
        Objects.requireNonNull(manifest, "manifest"),
        null,
        DeltaFileWriter.DEFAULT_TARGET_FILE_SIZE);
  }

  public LoadExport into(DeltaTargets targets) {
    return new LoadExport(manifest, Objects.requireNonNull(targets, "targets"), targetFileBytes);
  }

  public LoadExport withTargetFileBytes(long bytes) {
    if (bytes < 1 << 20) {
      throw new IllegalArgumentException("target file size must be at least 1 MiB, got " + bytes);
    }
    return new LoadExport(manifest, targets, bytes);
  }

  @Override
  public PCollection<KV<String, CommitResult>> expand(PBegin input) {
    if (manifest == null) {
      throw new IllegalStateException("from(manifest) is required");
    }
    if (targets == null) {
      throw new IllegalStateException("into(targets) is required");
    }
    PCollectionTuple written =
        input
            .apply(
                "List data files",
                Create.of(manifest.files()).withCoder(SerializableCoder.of(ExportDataFile.class)))
            .apply("Spread files", Reshuffle.viaRandomKey())
            .apply(
                "Decode, type and write Parquet",
                ParDo.of(new WriteExportFiles(manifest, targets, targetFileBytes))
                    .withOutputTags(
                        WriteExportFiles.FILES, TupleTagList.of(WriteExportFiles.TALLIES)));
    PCollectionView<List<KV<String, DataFile>>> files =
        written
            .get(WriteExportFiles.FILES)
            .setCoder(KvCoder.of(StringUtf8Coder.of(), DataFileCoder.of()))
            .apply("Written files", View.asList());
    PCollectionView<List<FileTally>> tallies =
        written
            .get(WriteExportFiles.TALLIES)
            .setCoder(SerializableCoder.of(FileTally.class))
            .apply("File tallies", View.asList());
    return input
        .apply("Commit trigger", Create.of("commit"))
        .apply(
            "Reconcile and commit",
            ParDo.of(new CommitExport(manifest, targets, files, tallies))
                .withSideInputs(files, tallies))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(CommitResult.class)));
  }
}
