package io.ddb2delta.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.Module;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.apache.beam.runners.spark.SparkRunner;
import org.apache.beam.sdk.runners.PipelineRunnerRegistrar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the Databricks jar holds: none of what the cluster brings (Spark, Scala, Hadoop, logging),
 * the libraries that clash with the runtime's only under {@code io.ddb2delta.shaded}, and the job
 * with Beam's Spark runner registered through a service file whose every entry resolves.
 */
class DatabricksJarContentsIT {

  private static final String SERVICES = "META-INF/services/";
  private static final String SHADED = "io/ddb2delta/shaded/";

  private static Set<String> entries;
  private static Map<String, List<String>> services;
  private static Attributes manifest;

  @BeforeAll
  static void readTheJar() throws IOException {
    try (JarFile jar = new JarFile(DatabricksJarIT.databricksJar().toFile())) {
      entries = jar.stream().map(JarEntry::getName).collect(Collectors.toUnmodifiableSet());
      services = new TreeMap<>();
      for (String name : entries) {
        if (name.startsWith(SERVICES) && !name.endsWith("/")) {
          try (InputStream in = jar.getInputStream(jar.getEntry(name))) {
            services.put(name.substring(SERVICES.length()), providers(in));
          }
        }
      }
      manifest = jar.getManifest().getMainAttributes();
    }
  }

  @Test
  void leavesOutWhatTheClusterBrings() {
    assertThat(entriesUnder("org/apache/spark/", "scala/", "org/apache/hadoop/")).isEmpty();
    assertThat(entriesUnder("org/slf4j/", "org/apache/logging/", "org/apache/log4j/")).isEmpty();
    assertThat(entries).doesNotContain("log4j.properties", "log4j2.properties");
  }

  @Test
  void carriesNoLocalService() {
    // s3proxy, DynamoDB Local, kinesalite's launcher and Jetty belong to runners/local.
    assertThat(
            entriesUnder(
                "org/gaul/",
                "com/amazonaws/services/dynamodbv2/local/",
                "org/eclipse/jetty/",
                "io/ddb2delta/local/",
                "io/ddb2delta/tools/"))
        .isEmpty();
  }

  @Test
  void bundlesConflictingLibrariesOnlyRelocated() {
    List<String> relocated =
        List.of(
            "com/google/protobuf/",
            "com/fasterxml/jackson/",
            "com/google/common/",
            "org/apache/parquet/",
            "shaded/parquet/");
    for (String prefix : relocated) {
      assertThat(entriesUnder(prefix)).as("unrelocated %s", prefix).isEmpty();
      assertThat(entriesUnder(SHADED + prefix)).as("relocated %s", prefix).isNotEmpty();
    }
  }

  @Test
  void holdsTheJobButNoMainClass() {
    assertThat(entries).contains(DatabricksJob.class.getName().replace('.', '/') + ".class");
    // A library jar: the JAR task names the main class.
    assertThat(manifest.getValue(Attributes.Name.MAIN_CLASS)).isNull();
  }

  @Test
  void registersBeamsSparkRunnerThroughItsServiceFile() {
    List<String> sparkRegistrars = new ArrayList<>();
    for (PipelineRunnerRegistrar registrar : ServiceLoader.load(PipelineRunnerRegistrar.class)) {
      for (Class<?> runner : registrar.getPipelineRunners()) {
        if (runner == SparkRunner.class) {
          sparkRegistrars.add(registrar.getClass().getName());
        }
      }
    }
    assertThat(sparkRegistrars).isNotEmpty();
    assertThat(services.get(PipelineRunnerRegistrar.class.getName())).containsAll(sparkRegistrars);
  }

  @Test
  void keepsJacksonModulesDiscoverableUnderTheRelocatedName() {
    // Beam finds the Jackson modules for its options (AWS credentials, regions) through
    // ServiceLoader, so the service file must follow Jackson to its new name.
    List<String> bundled = new ArrayList<>();
    for (ServiceLoader.Provider<Module> module :
        ServiceLoader.load(Module.class).stream().toList()) {
      String name = module.type().getName();
      if (entries.contains(name.replace('.', '/') + ".class")) {
        bundled.add(name);
      }
    }
    assertThat(bundled).isNotEmpty();
    assertThat(services.get("io.ddb2delta.shaded." + Module.class.getName())).containsAll(bundled);
  }

  @Test
  void everyServiceEntryNamesAClassInTheJar() {
    assertThat(services.keySet())
        .as("service files for relocated interfaces keep their relocated names")
        .noneMatch(service -> service.startsWith("com.fasterxml.jackson."));
    services.forEach(
        (service, providers) ->
            assertThat(providers)
                .as("providers of %s", service)
                .allMatch(provider -> entries.contains(provider.replace('.', '/') + ".class")));
  }

  @Test
  void carriesNoSignaturesOrModuleDescriptors() {
    assertThat(entries)
        .noneMatch(name -> name.matches("META-INF/[^/]+\\.(SF|DSA|RSA)"))
        .noneMatch(name -> name.endsWith("module-info.class"));
  }

  private static List<String> entriesUnder(String... prefixes) {
    return entries.stream()
        .filter(name -> List.of(prefixes).stream().anyMatch(name::startsWith))
        .sorted()
        .limit(5)
        .toList();
  }

  private static List<String> providers(InputStream in) throws IOException {
    List<String> providers = new ArrayList<>();
    for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
      String provider = line.replaceAll("#.*", "").trim();
      if (!provider.isEmpty()) {
        providers.add(provider);
      }
    }
    return Collections.unmodifiableList(providers);
  }
}
