package io.ddb2delta.pipelines;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The sample export that ships inside ddb2delta (a few thousand orders in AWS's real layout), which
 * a run without arguments loads. From a jar it is copied to a temporary folder first, since the
 * export reader reads files. Public for the runners' tests, which load it on other runners.
 */
public final class SampleExport {
  static final String RESOURCE = "sample-export";
  public static final String TABLE = "orders";

  private SampleExport() {}

  /** The sample's export folder, {@code .../AWSDynamoDB/<ExportId>/}. */
  public static String location() {
    URL url = SampleExport.class.getClassLoader().getResource(RESOURCE);
    if (url == null) {
      throw new IllegalStateException("the sample export is missing from the classpath");
    }
    try {
      Path root;
      if ("jar".equals(url.getProtocol())) {
        root = extract(url);
      } else {
        root = Path.of(url.toURI());
      }
      Path exports = root.resolve("AWSDynamoDB");
      try (Stream<Path> ids = Files.list(exports)) {
        List<Path> folders = ids.filter(Files::isDirectory).sorted().toList();
        if (folders.size() != 1) {
          throw new IllegalStateException("expected one sample export under " + exports);
        }
        return folders.get(0).toAbsolutePath() + "/";
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path extract(URL url) throws IOException, URISyntaxException {
    Path target = Files.createTempDirectory("ddb2delta-sample");
    try (FileSystem jar = FileSystems.newFileSystem(url.toURI(), Map.of());
        Stream<Path> entries = Files.walk(jar.getPath(RESOURCE))) {
      for (Path entry : entries.toList()) {
        Path out = target.resolve(jar.getPath(RESOURCE).relativize(entry).toString());
        if (Files.isDirectory(entry)) {
          Files.createDirectories(out);
        } else {
          try (InputStream in = Files.newInputStream(entry)) {
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    }
    return target;
  }
}
