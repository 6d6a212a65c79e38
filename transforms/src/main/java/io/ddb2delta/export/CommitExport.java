package io.ddb2delta.export;

import io.ddb2delta.delta.CommitResult;
import io.ddb2delta.delta.DataFile;
import io.ddb2delta.delta.DeltaColumn;
import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.tables.DeltaTargets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single committer of an export load: it reconciles every data file's tally against the
 * manifest, and only then commits each table's files in one Delta transaction with the transaction
 * id ({@link #appId(ExportManifest)}, version 1).
 *
 * <p>For a silver table whose mapping says {@code evolve: true}, the commit of its files also adds
 * the columns the export's records propose and the table lacks (the export's own rows keep those
 * attributes in {@code _attributes}, as a stream batch's rows do before their commit).
 *
 * <p>Guarantees: a load that does not reconcile commits nothing and fails naming the files; a load
 * committed before (a retried bundle, a re-run of the same export) is a no-op per table, because
 * the table already records the transaction version.
 */
class CommitExport extends DoFn<String, KV<String, CommitResult>> {
  private static final Logger LOG = LoggerFactory.getLogger(CommitExport.class);
  static final long VERSION = 1;

  private final ExportManifest manifest;
  private final DeltaTargets targets;
  private final PCollectionView<List<ExportPart>> writtenView;

  CommitExport(
      ExportManifest manifest,
      DeltaTargets targets,
      PCollectionView<List<ExportPart>> writtenView) {
    this.manifest = manifest;
    this.targets = targets;
    this.writtenView = writtenView;
  }

  /** The Delta transaction app id of loading one export. */
  static String appId(ExportManifest manifest) {
    return "ddb2delta-export-" + manifest.exportId();
  }

  @ProcessElement
  public void process(ProcessContext context) {
    List<FileTally> tallies = new ArrayList<>();
    // Columns proposed for an evolving silver table: in manifest file order, the first type wins.
    Map<String, Integer> fileOrder = new HashMap<>();
    for (ExportDataFile f : manifest.files()) {
      fileOrder.putIfAbsent(f.dataFileKey(), fileOrder.size());
    }
    Map<String, List<DataFile>> byTable = new HashMap<>();
    for (ExportPart part : context.sideInput(writtenView)) {
      if (part.tally() != null) {
        tallies.add(part.tally());
      } else {
        byTable.computeIfAbsent(part.table(), k -> new ArrayList<>()).add(part.file());
      }
    }
    if (LoadExport.isLoadedInto(targets, manifest)) {
      // Nothing was read (skipWhenLoaded), or a retry: every commit below is a no-op.
      LOG.info("export {} is already loaded", manifest.exportId());
    } else {
      reconcile(manifest, tallies);
    }
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("ddb2delta.source", "export");
    tags.put("ddb2delta.exportId", manifest.exportId());
    if (manifest.exportArn() != null) {
      tags.put("ddb2delta.exportArn", manifest.exportArn());
    }
    tags.put("ddb2delta.table", manifest.tableName());
    tags.put("ddb2delta.itemCount", Long.toString(manifest.itemCount()));
    tags.put("ddb2delta.dataFiles", Integer.toString(manifest.files().size()));
    List<FileTally> inOrder = new ArrayList<>(tallies);
    inOrder.sort(
        java.util.Comparator.comparing(
            (FileTally t) -> fileOrder.getOrDefault(t.dataFileKey(), Integer.MAX_VALUE)));
    Map<String, DeltaColumn> proposed = new LinkedHashMap<>();
    for (FileTally t : inOrder) {
      t.newColumns().forEach(c -> proposed.putIfAbsent(c.name(), c));
    }
    String silver = targets.mapping().evolve() ? targets.mapping().silverTable() : null;
    for (String table : targets.schemas().keySet()) {
      List<DataFile> files = byTable.getOrDefault(table, List.of());
      CommitResult result =
          DeltaTable.forPath(targets.pathOf(table))
              .commit(
                  List.of(new DeltaTable.TxnFiles(appId(manifest), VERSION, files)),
                  "WRITE",
                  tags,
                  table.equals(silver) ? List.copyOf(proposed.values()) : List.of());
      LOG.info("{}: {}", table, result);
      context.output(KV.of(table, result));
    }
  }

  static void reconcile(ExportManifest manifest, List<FileTally> tallies) {
    Map<String, FileTally> byKey = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (FileTally t : tallies) {
      if (byKey.put(t.dataFileKey(), t) != null) {
        problems.add(t.dataFileKey() + ": read twice");
      }
      String problem = t.problem();
      if (problem != null) {
        problems.add(problem);
      }
    }
    Set<String> unread = new TreeSet<>();
    for (ExportDataFile f : manifest.files()) {
      if (!byKey.containsKey(f.dataFileKey())) {
        unread.add(f.dataFileKey());
      }
    }
    if (!unread.isEmpty()) {
      problems.add("files never read: " + unread);
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "export "
              + manifest.exportId()
              + " does not reconcile, nothing was committed: "
              + String.join("; ", problems));
    }
  }
}
