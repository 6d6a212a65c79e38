package io.ddb2delta.export;

import com.google.auto.value.AutoValue;
import io.ddb2delta.delta.CommitResult;
import io.ddb2delta.delta.DeltaFileWriter;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.tables.DeltaTargets;
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
import org.apache.beam.sdk.values.PCollectionView;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Loads one DynamoDB export into bronze, silver and quarantine, exactly once.
 *
 * <p>The data files the manifest lists are spread across workers; each worker decodes, types and
 * writes Parquet for its files; one committer reconciles the counts and commits every table with
 * the export's transaction id. Emits each table's commit result, which says "already committed"
 * when the table held the export before.
 */
@AutoValue
public abstract class LoadExport extends PTransform<PBegin, PCollection<KV<String, CommitResult>>> {

  abstract ExportManifest manifest();

  abstract @Nullable DeltaTargets targets();

  abstract long targetFileBytes();

  abstract boolean skipWhenLoaded();

  abstract Builder toBuilder();

  @AutoValue.Builder
  abstract static class Builder {
    abstract Builder setManifest(ExportManifest manifest);

    abstract Builder setTargets(DeltaTargets targets);

    abstract Builder setTargetFileBytes(long bytes);

    abstract Builder setSkipWhenLoaded(boolean skip);

    abstract LoadExport build();
  }

  /**
   * True when the table already holds this export: its commit recorded the export's transaction.
   */
  public static boolean isLoadedInto(DeltaTable table, ExportManifest manifest) {
    return table.txnVersion(CommitExport.appId(manifest)) >= CommitExport.VERSION;
  }

  /** True when every table of the load already holds this export. */
  public static boolean isLoadedInto(DeltaTargets targets, ExportManifest manifest) {
    for (String table : targets.schemas().keySet()) {
      if (!isLoadedInto(DeltaTable.forPath(targets.pathOf(table)), manifest)) {
        return false;
      }
    }
    return true;
  }

  public static LoadExport from(ExportManifest manifest) {
    return new AutoValue_LoadExport.Builder()
        .setManifest(manifest)
        .setTargetFileBytes(DeltaFileWriter.DEFAULT_TARGET_FILE_SIZE)
        .setSkipWhenLoaded(false)
        .build();
  }

  public LoadExport into(DeltaTargets targets) {
    return toBuilder().setTargets(Objects.requireNonNull(targets, "targets")).build();
  }

  public LoadExport withTargetFileBytes(long bytes) {
    if (bytes < 1 << 20) {
      throw new IllegalArgumentException("target file size must be at least 1 MiB, got " + bytes);
    }
    return toBuilder().setTargetFileBytes(bytes).build();
  }

  /**
   * Reads no file when the tables already hold the export (the caller checked). The steps stay, so
   * a streaming run restarted after its backfill keeps the graph of its Spark checkpoint.
   */
  public LoadExport skipWhenLoaded(boolean loaded) {
    return toBuilder().setSkipWhenLoaded(loaded).build();
  }

  @Override
  public PCollection<KV<String, CommitResult>> expand(PBegin input) {
    ExportManifest manifest = manifest();
    DeltaTargets targets = targets();
    if (targets == null) {
      throw new IllegalStateException("into(targets) is required");
    }
    PCollectionView<List<ExportPart>> written =
        input
            .apply(
                "List data files",
                Create.of(skipWhenLoaded() ? List.of() : manifest.files())
                    .withCoder(SerializableCoder.of(ExportDataFile.class)))
            .apply("Spread files", Reshuffle.viaRandomKey())
            .apply(
                "Decode, type and write Parquet",
                ParDo.of(new WriteExportFiles(manifest, targets, targetFileBytes())))
            .setCoder(ExportPart.PartCoder.of())
            .apply("Written files and tallies", View.asList());
    return input
        .apply("Commit trigger", Create.of("commit"))
        .apply(
            "Reconcile and commit",
            ParDo.of(new CommitExport(manifest, targets, written)).withSideInputs(written))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(CommitResult.class)));
  }
}
