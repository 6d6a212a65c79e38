package io.ddb2delta.export;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Opens export files on any Beam file system. A missing file fails with a message that names it and
 * says what it is: on S3, opening a missing object throws the SDK's own unchecked exception without
 * the key, so the file is matched first.
 */
final class ExportFiles {
  private ExportFiles() {}

  /** Opens {@code location}; {@code what} describes it in the error, e.g. "export manifest". */
  static InputStream open(String location, String what) throws IOException {
    MatchResult.Metadata metadata;
    try {
      metadata = FileSystems.matchSingleFileSpec(location);
    } catch (FileNotFoundException e) {
      throw new IllegalStateException(what + " " + location + " does not exist", e);
    }
    return Channels.newInputStream(FileSystems.open(metadata.resourceId()));
  }
}
