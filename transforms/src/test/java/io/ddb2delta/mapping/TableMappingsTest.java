package io.ddb2delta.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableMappingsTest {
  private static Path configs;

  @BeforeAll
  static void findFixtures() throws URISyntaxException {
    configs = Path.of(TableMappingsTest.class.getResource("/table-configs").toURI());
  }

  private static String path(String name) {
    return configs.resolve(name).toString();
  }

  private static List<String> tables(List<TableMapping> mappings) {
    return mappings.stream().map(TableMapping::table).toList();
  }

  @Test
  void oneFileIsThatFilesMapping() {
    List<TableMapping> mappings = TableMappings.load(path("shipments.yaml"));

    assertThat(mappings).containsExactly(TableMapping.load(configs.resolve("shipments.yaml")));
  }

  @Test
  void severalFilesComeInTheOrderGiven() {
    List<TableMapping> mappings =
        TableMappings.load(path("shipments.yaml") + " , " + path("folder-of-two/invoices.yml"));

    assertThat(tables(mappings)).containsExactly("shipments", "invoices");
    assertThat(mappings.get(1).keys()).containsExactly("invoice_id", "line");
  }

  @Test
  void folderGivesEveryYamlAndYmlFileSortedByName() {
    // README.txt in the folder is not a mapping and is not read.
    assertThat(tables(TableMappings.load(path("folder-of-two"))))
        .containsExactly("customers", "invoices");
  }

  @Test
  void foldersAndFilesMix() {
    assertThat(tables(TableMappings.load(path("shipments.yaml") + "," + path("folder-of-two"))))
        .containsExactly("shipments", "customers", "invoices");
  }

  @Test
  void aFileNamedTwiceCountsOnce() {
    String spec = path("folder-of-two") + "," + path("folder-of-two/customers.yaml");

    assertThat(tables(TableMappings.load(spec))).containsExactly("customers", "invoices");
  }

  @Test
  void twoFilesMappingOneTableNameBoth() {
    String spec = path("folder-of-two") + "," + path("invoices-mapped-again.yaml");

    assertThatThrownBy(() -> TableMappings.load(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--tableConfig: table \"invoices\" is mapped by both "
                + path("folder-of-two/invoices.yml")
                + " and "
                + path("invoices-mapped-again.yaml")
                + "; keep one mapping per table");
  }

  @Test
  void missingPathIsNamed() {
    String missing = path("no-such-mapping.yaml");

    assertThatThrownBy(() -> TableMappings.load(path("shipments.yaml") + "," + missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--tableConfig: " + missing + " does not exist");
  }

  @Test
  void folderWithoutYamlIsNamed(@TempDir Path empty) throws Exception {
    assertThatThrownBy(() -> TableMappings.load(empty.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--tableConfig: folder " + empty + " has no .yaml or .yml file");

    Files.writeString(empty.resolve("orders.json"), "{}");
    Files.createDirectory(empty.resolve("nested.yaml"));
    assertThatThrownBy(() -> TableMappings.load(empty.toString()))
        .hasMessage("--tableConfig: folder " + empty + " has no .yaml or .yml file");
  }

  @Test
  void blankListNamesNothing() {
    assertThatThrownBy(() -> TableMappings.load(" , "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names no table mapping file or folder");
  }

  @Test
  void badFileInAFolderIsNamed(@TempDir Path folder) throws Exception {
    Path bad = folder.resolve("broken.yaml");
    Files.writeString(bad, "table: t1\ncolumns: []\n");

    assertThatThrownBy(() -> TableMappings.load(folder.toString()))
        .hasMessageContaining("invalid table mapping " + bad);
  }

  @Test
  void forTablePicksTheTablesMappingOrNamesTheTablesMapped() {
    List<TableMapping> mappings = TableMappings.load(path("folder-of-two"));

    assertThat(TableMappings.forTable(mappings, "invoices").table()).isEqualTo("invoices");
    assertThatThrownBy(() -> TableMappings.forTable(mappings, "orders"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "no --tableConfig mapping is for table \"orders\";"
                + " the mappings given are for [customers, invoices]");
  }
}
