package io.ddb2delta.mapping;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The table mappings that one {@code --tableConfig} value names: mapping files and folders of them,
 * separated by commas.
 *
 * <p>Guarantees: a named file is read whatever its extension; a folder gives every {@code *.yaml}
 * and {@code *.yml} file directly in it, sorted by file name; the mappings come in the order given,
 * and a file named twice (say, a folder and one of its files) counts once. A path that does not
 * exist, a folder with no YAML file, and two files that map the same DynamoDB table fail with
 * {@link IllegalArgumentException}, naming the paths.
 */
public final class TableMappings {

  private TableMappings() {}

  /** The mappings of {@code spec}, e.g. {@code orders.yaml}, {@code conf/} or {@code a.yaml,b/}. */
  public static List<TableMapping> load(String spec) {
    List<Path> files = new ArrayList<>();
    Set<Path> seen = new HashSet<>();
    for (String entry : spec.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      for (Path file : filesOf(Path.of(entry.strip()))) {
        if (seen.add(file.toAbsolutePath().normalize())) {
          files.add(file);
        }
      }
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException(
          "--tableConfig=\"" + spec + "\" names no table mapping file or folder");
    }
    Map<String, Path> fileOfTable = new LinkedHashMap<>();
    List<TableMapping> mappings = new ArrayList<>(files.size());
    for (Path file : files) {
      TableMapping mapping = TableMapping.load(file);
      Path earlier = fileOfTable.putIfAbsent(mapping.table(), file);
      if (earlier != null) {
        throw new IllegalArgumentException(
            "--tableConfig: table \""
                + mapping.table()
                + "\" is mapped by both "
                + earlier
                + " and "
                + file
                + "; keep one mapping per table");
      }
      mappings.add(mapping);
    }
    return List.copyOf(mappings);
  }

  /**
   * The mapping of {@code table} among {@code mappings}; fails naming the tables they do map, so
   * that a run never loads a table through another table's mapping.
   */
  public static TableMapping forTable(List<TableMapping> mappings, String table) {
    for (TableMapping m : mappings) {
      if (m.table().equals(table)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "no --tableConfig mapping is for table \""
            + table
            + "\"; the mappings given are for "
            + mappings.stream().map(TableMapping::table).toList());
  }

  private static List<Path> filesOf(Path path) {
    if (Files.isDirectory(path)) {
      List<Path> yaml;
      try (Stream<Path> children = Files.list(path)) {
        yaml =
            children
                .filter(Files::isRegularFile)
                .filter(TableMappings::isYaml)
                .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                .toList();
      } catch (IOException e) {
        throw new IllegalArgumentException("--tableConfig: cannot list folder " + path + ": " + e);
      }
      if (yaml.isEmpty()) {
        throw new IllegalArgumentException(
            "--tableConfig: folder " + path + " has no .yaml or .yml file");
      }
      return yaml;
    }
    if (!Files.exists(path)) {
      throw new IllegalArgumentException("--tableConfig: " + path + " does not exist");
    }
    return List.of(path);
  }

  private static boolean isYaml(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }
}
