package io.ddb2delta.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ddb2delta.change.SourceKind;
import io.ddb2delta.mapping.TableMapping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the export and the streaming jobs choose their mappings from {@code --tableConfig}. */
class TableConfigTest {
  @TempDir Path configs;

  @BeforeEach
  void writeMappings() throws IOException {
    for (String table : List.of("customers", "orders", "invoices")) {
      Files.writeString(
          configs.resolve(table + ".yaml"),
          "table: "
              + table
              + "\nkeys: [id]\ncolumns:\n  - {name: id, attribute: id, type: string}\n");
    }
  }

  private String config(String... tables) {
    return String.join(
        ",", List.of(tables).stream().map(t -> configs.resolve(t + ".yaml").toString()).toList());
  }

  private static List<String> tables(List<TableMapping> mappings) {
    return mappings.stream().map(TableMapping::table).toList();
  }

  private static Ddb2DeltaOptions options(String tableName, String tableConfig) {
    Ddb2DeltaOptions options = PipelineOptionsFactory.create().as(Ddb2DeltaOptions.class);
    options.setTableName(tableName);
    options.setTableConfig(tableConfig);
    return options;
  }

  @Test
  void exportWithOneConfigTakesItWhateverItsTable() {
    // The sample export's table ARN names orders; one mapping is used as given, as before.
    Ddb2Delta.ExportSource source =
        Ddb2Delta.exportSource(SampleExport.location(), null, config("customers"));

    assertThat(source.mapping().table()).isEqualTo("customers");
    assertThat(source.manifest().tableName()).isEqualTo("customers");
  }

  @Test
  void exportWithSeveralConfigsTakesTheManifestsTable() {
    Ddb2Delta.ExportSource source =
        Ddb2Delta.exportSource(SampleExport.location(), null, configs.toString());

    assertThat(source.mapping().table()).isEqualTo("orders");
    assertThat(source.manifest().tableName()).isEqualTo("orders");
  }

  @Test
  void exportWithSeveralConfigsTakesTableNameFirst() {
    Ddb2Delta.ExportSource source =
        Ddb2Delta.exportSource(SampleExport.location(), "invoices", configs.toString());

    assertThat(source.mapping().table()).isEqualTo("invoices");
    assertThat(source.manifest().tableName()).isEqualTo("invoices");
  }

  @Test
  void exportWhoseTableNoConfigMapsFailsNamingTheTablesMapped() {
    assertThatThrownBy(
            () ->
                Ddb2Delta.exportSource(
                    SampleExport.location(), null, config("customers", "invoices")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "no --tableConfig mapping is for table \"orders\";"
                + " the mappings given are for [customers, invoices]");
    assertThatThrownBy(
            () -> Ddb2Delta.exportSource(SampleExport.location(), "users", configs.toString()))
        .hasMessageContaining("table \"users\"");
  }

  @Test
  void streamsMapEveryConfiguredTable() {
    List<TableMapping> mappings =
        StreamJob.mappings(options("", configs.toString()), SourceKind.DYNAMODB_STREAMS);

    assertThat(tables(mappings)).containsExactly("customers", "invoices", "orders");
    assertThat(StreamJob.appId(options("", ""), SourceKind.DYNAMODB_STREAMS, mappings))
        .isEqualTo("ddb2delta-dynamodb-streams-customers+invoices+orders");
  }

  @Test
  void streamsTableNameNarrowsTheConfiguredTables() {
    List<TableMapping> mappings =
        StreamJob.mappings(options("orders, customers", configs.toString()), SourceKind.KINESIS);

    assertThat(tables(mappings)).containsExactly("orders", "customers");
    assertThatThrownBy(
            () -> StreamJob.mappings(options("orders,users", config("orders")), SourceKind.KINESIS))
        .hasMessage(
            "no --tableConfig mapping is for table \"users\"; the mappings given are for [orders]");
  }

  @Test
  void streamsWithoutConfigKeepTheShippedMappings() {
    assertThat(tables(StreamJob.mappings(options("", ""), SourceKind.KINESIS)))
        .isEqualTo(TableMapping.SHIPPED);
    assertThat(tables(StreamJob.mappings(options("users", ""), SourceKind.DYNAMODB_STREAMS)))
        .containsExactly("users");
  }

  @Test
  void aStreamBesideAnExportWithNoTableNamedFollowsTheExportsTables() {
    List<TableMapping> exported = List.of(TableMapping.shipped("orders"));
    Set<SourceKind> streams = EnumSet.of(SourceKind.DYNAMODB_STREAMS);

    assertThat(tables(StreamJob.mappings(options("", ""), streams, exported)))
        .containsExactly("orders");
    assertThat(tables(StreamJob.mappings(options("users", ""), streams, exported)))
        .containsExactly("users");
    assertThatThrownBy(() -> StreamJob.mappings(options("", ""), streams, List.of()))
        .hasMessageContaining("needs --tableName");
  }
}
