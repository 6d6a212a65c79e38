package io.ddb2delta.pipelines.maintain;

import static org.assertj.core.api.Assertions.assertThat;

import io.ddb2delta.delta.DeltaTable;
import io.ddb2delta.maintain.SmallMergeFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code maintain} over a lake holding an {@code orders_current} written in many small MERGEs, as a
 * stream leaves it: fewer files, the same rows, and vacuum's retention guard.
 */
class MaintainCommandTest {
  @TempDir Path root;

  private void writeCurrent() {
    SmallMergeFiles.writeOrdersCurrent(root, 12);
  }

  @Test
  void maintainPacksTheSmallFilesOfEveryTableAndKeepsItsRows() {
    writeCurrent();
    DeltaTable current = DeltaTable.forPath(root.resolve("orders_current").toString());
    assertThat(current.files()).hasSize(12);
    assertThat(current.numRecords()).isEqualTo(12);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit =
        MaintainCommand.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8))
            .execute("--deltaRoot=" + root, "--retentionHours=0", "--force");

    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(text).isZero();
    assertThat(text)
        .contains("maintain orders_current: files 12 -> 1 (12 packed into 1)")
        .contains("vacuum deleted 12 files")
        .contains("maintain orders_current_tombstones:");
    assertThat(current.files()).hasSize(1);
    assertThat(current.numRecords()).isEqualTo(12);
  }

  @Test
  void aRetentionUnderAWeekIsRefusedWithoutForce() {
    writeCurrent();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        MaintainCommand.commandLine(System.out)
            .setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8))
            .execute("--deltaRoot=" + root, "--retentionHours=24");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--retentionHours=24 is below 168 (7 days)")
        .contains("--force");
  }

  @Test
  void aTombstoneHorizonUnderAWeekIsRefusedWithoutForceAndAWeekKeepsTodaysTombstones() {
    writeCurrent();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int refused =
        MaintainCommand.commandLine(System.out)
            .setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8))
            .execute("--deltaRoot=" + root, "--tombstoneHorizonHours=24");
    assertThat(refused).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--tombstoneHorizonHours=24 is below 168 (7 days)")
        .contains("--force");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit =
        MaintainCommand.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8))
            .execute("--deltaRoot=" + root, "--tombstoneHorizonHours=168", "--no-vacuum");
    assertThat(exit).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains(
            "maintain orders_current_tombstones: forgot 0 tombstones of deletes older than 168"
                + " hours;");
  }
}
