package io.ddb2delta.dashboards;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A dashboard: a folder of widget SQL files under {@code dashboards/}, drawn in file-name order.
 * Its title is the folder's name in words ({@code order_monitoring} is "Order Monitoring").
 */
public record Dashboard(String name, String title, List<WidgetSql> widgets) {

  /** Every dashboard under {@code root}, by folder name. */
  public static List<Dashboard> loadAll(Path root) {
    try (Stream<Path> folders = Files.list(root)) {
      return folders.filter(Files::isDirectory).sorted().map(Dashboard::load).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Dashboard load(Path folder) {
    String name = folder.getFileName().toString();
    try (Stream<Path> files = Files.list(folder)) {
      List<WidgetSql> widgets =
          files
              .filter(f -> f.getFileName().toString().endsWith(".sql"))
              .sorted()
              .map(WidgetSql::read)
              .toList();
      if (widgets.isEmpty()) {
        throw new IllegalArgumentException("dashboard " + folder + " has no .sql widget files");
      }
      return new Dashboard(name, titleOf(name), widgets);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String titleOf(String folder) {
    return Arrays.stream(folder.split("_"))
        .map(w -> w.substring(0, 1).toUpperCase(Locale.ROOT) + w.substring(1))
        .collect(Collectors.joining(" "));
  }

  /** The folder {@code dashboards/} of a checkout, from the working directory or a parent. */
  public static Path defaultRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("dashboards")) && Files.isDirectory(p.resolve("sql"))) {
        return p.resolve("dashboards");
      }
    }
    throw new IllegalStateException(
        "no dashboards/ folder in " + dir + " or a parent; pass --dashboards=FOLDER");
  }
}
