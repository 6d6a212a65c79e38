package io.ddb2delta.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ddb2delta.change.SourceKind;
import io.ddb2delta.pipelines.Ddb2Delta;
import io.ddb2delta.pipelines.Ddb2DeltaOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks the Databricks Asset Bundle in {@code databricks/}, its IAM policies and the dashboard
 * readers' grants, without a workspace or the Databricks CLI.
 *
 * <p>Guarantees, for every job in {@code resources/*.yml}:
 *
 * <ul>
 *   <li>it runs on a job cluster it defines, and every cluster is {@code ${var.ddb2delta_cluster}}:
 *       dedicated (single user) access mode, spot with fallback and an on-demand driver, 2 to 8
 *       workers, a 15.x or 16.x Scala 2.12 runtime;
 *   <li>every {@code ${var.x}} it uses is declared, every other {@code ${...}} is one we know;
 *   <li>its JAR task runs {@link DatabricksJob} from the shaded jar this module builds, under the
 *       name the pom gives it, which is also the jar the bundle's artifact builds;
 *   <li>its parameters, with the variables' defaults (or dummies) and the job parameters' defaults,
 *       parse as the job's options ({@link Ddb2Delta#parse} after {@link
 *       SparkJob#withSparkDefaults}), with what the source needs and a checkpoint next to the
 *       tables;
 *   <li>the one job is continuous and unpaused, backfills and streams in one run by default (its
 *       sources list an export and a stream), and never runs twice at once;
 *   <li>no secret is written into the bundle: credentials only as {@code {{secrets/...}}};
 *   <li>it uses only fields of the bundle's JSON schema (the property names and enum values of the
 *       definitions it uses, from {@code bundle/schema/jsonschema.json} of databricks/cli).
 * </ul>
 *
 * <p>Every IAM policy in {@code databricks/iam/} is least privilege (no wildcard actions, no {@code
 * "Resource": "*"} but for the actions that have no resource-level permissions, S3 objects only
 * under a prefix, listing only with a prefix condition), and the dashboard readers get USE and
 * SELECT only, on the schema every table is registered in.
 */
class DatabricksBundleTest {
  /** The one cluster variable every job cluster is. */
  private static final String CLUSTER_VARIABLE = "ddb2delta_cluster";

  private static final String STREAMING_JOB = "ddb2delta_streaming";

  /** The shade plugin's classifier: the jar Failsafe's ddb2delta.databricks.jar names. */
  private static final String SHADED_CLASSIFIER = "databricks";

  /** Values for the variables without a default, to parse the parameters with. */
  private static final Map<String, String> DUMMIES =
      Map.of("delta_root", "s3://my-lake/ddb2delta", "aws_region", "us-east-1");

  /** The substitutions other than variables the bundle may use, with a value each for the test. */
  private static final Map<String, String> SUBSTITUTIONS =
      Map.of(
          "bundle.name", "ddb2delta",
          "bundle.target", "dev",
          "bundle.git.commit", "0123456789abcdef0123456789abcdef01234567",
          "workspace.current_user.userName", "someone@example.com",
          "workspace.current_user.short_name", "someone");

  /** Actions without resource-level permissions, which only work with {@code "Resource": "*"}. */
  private static final Set<String> ACTIONS_WITHOUT_RESOURCES =
      Set.of("cloudwatch:GetMetricStatistics");

  private static final Pattern VAR_REFERENCE = Pattern.compile("\\$\\{var\\.([A-Za-z0-9_-]+)");
  private static final Pattern WHOLE_VAR = Pattern.compile("\\$\\{var\\.([A-Za-z0-9_-]+)}");
  private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([^}]+)}");
  private static final Pattern JOB_PARAMETER =
      Pattern.compile("\\{\\{job\\.parameters\\.([A-Za-z0-9_.-]+)}}");
  private static final Pattern SECRET_REFERENCE =
      Pattern.compile("\\{\\{secrets/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+}}");
  private static final Pattern AWS_KEY_ID = Pattern.compile("(AKIA|ASIA)[0-9A-Z]{16}");
  private static final Pattern SECRET_NAME =
      Pattern.compile("(?i).*(secret|key|token|password|credential).*");
  private static final Pattern RUNTIME = Pattern.compile("1[56]\\.\\d+\\.x-scala2\\.12");

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path module;
  private static Path bundleDir;
  private static JsonNode root;
  private static ObjectNode variables;

  /** The bundle's files, databricks.yml first, each with its parsed content. */
  private static final Map<Path, JsonNode> files = new LinkedHashMap<>();

  /** Every job, by key, and the file it is defined in. */
  private static final Map<String, JsonNode> jobs = new LinkedHashMap<>();

  private static final Map<String, Path> jobFiles = new LinkedHashMap<>();

  @BeforeAll
  static void load() throws IOException {
    module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    bundleDir = module.resolve("databricks");
    Path main = bundleDir.resolve("databricks.yml");
    assertThat(main).as("the bundle's main file").isRegularFile();
    root = YAML.readTree(main.toFile());
    files.put(main, root);
    assertThat(root.path("include").isArray())
        .as("databricks.yml includes its resource files")
        .isTrue();
    for (JsonNode pattern : root.get("include")) {
      List<Path> matched = glob(bundleDir, pattern.asText());
      assertThat(matched).as("files matching include %s", pattern.asText()).isNotEmpty();
      for (Path file : matched) {
        files.put(file, YAML.readTree(file.toFile()));
      }
    }
    variables = (ObjectNode) root.path("variables");
    files.forEach(
        (file, content) ->
            content
                .path("resources")
                .path("jobs")
                .fields()
                .forEachRemaining(
                    job -> {
                      Path earlier = jobFiles.put(job.getKey(), file);
                      assertThat(earlier)
                          .as("job %s is defined once, also in %s", job.getKey(), file)
                          .isNull();
                      jobs.put(job.getKey(), job.getValue());
                    }));
    assertThat(jobs).as("jobs in the bundle").containsOnlyKeys(STREAMING_JOB);
  }

  @Test
  void everyVariableUsedIsDeclaredAndEveryDeclaredOneIsUsed() {
    Set<String> used = new TreeSet<>();
    files.forEach(
        (file, content) ->
            strings(
                content,
                (path, value) -> {
                  Matcher var = VAR_REFERENCE.matcher(value);
                  while (var.find()) {
                    used.add(var.group(1));
                    assertThat(variables.has(var.group(1)))
                        .as(
                            "%s at %s in %s uses ${var.%s}, which databricks.yml does not declare",
                            value, path, file.getFileName(), var.group(1))
                        .isTrue();
                  }
                  Matcher other = SUBSTITUTION.matcher(value);
                  while (other.find()) {
                    String name = other.group(1);
                    assertThat(name.startsWith("var.") || SUBSTITUTIONS.containsKey(name))
                        .as(
                            "%s at %s in %s: ${%s} is not a substitution this test knows;"
                                + " add it to SUBSTITUTIONS if the bundle docs list it",
                            value, path, file.getFileName(), name)
                        .isTrue();
                  }
                }));
    List<String> unused = new ArrayList<>();
    variables
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!used.contains(name)) {
                unused.add(name);
              }
            });
    assertThat(unused).as("variables declared in databricks.yml and never used").isEmpty();
  }

  @Test
  void everyJobRunsOnTheOneClusterSpec() {
    String reference = "${var." + CLUSTER_VARIABLE + "}";
    files.forEach(
        (file, content) ->
            nodes(
                content,
                (path, node) -> {
                  if (path.endsWith(".new_cluster")) {
                    assertThat(node.asText())
                        .as(
                            "%s in %s: every cluster is %s, the one place the cluster is specified",
                            path, file.getFileName(), reference)
                        .isEqualTo(reference);
                  }
                  if (path.endsWith(".existing_cluster_id")) {
                    fail("%s in %s: jobs run on their own job cluster (%s)", path, file, reference);
                  }
                }));
    jobs.forEach(
        (key, job) -> {
          Set<String> clusters = new LinkedHashSet<>();
          for (JsonNode cluster : job.path("job_clusters")) {
            assertThat(clusters.add(cluster.path("job_cluster_key").asText()))
                .as("job %s: job cluster keys are unique", key)
                .isTrue();
          }
          assertThat(job.path("tasks")).as("job %s has tasks", key).isNotEmpty();
          for (JsonNode task : job.path("tasks")) {
            String taskKey = task.path("task_key").asText();
            if (task.has("spark_jar_task")) {
              assertThat(task.has("job_cluster_key"))
                  .as("job %s, task %s: a JAR task runs on a job cluster", key, taskKey)
                  .isTrue();
            }
            if (task.has("job_cluster_key")) {
              assertThat(clusters)
                  .as(
                      "job %s, task %s: job_cluster_key names a job cluster of the job",
                      key, taskKey)
                  .contains(task.get("job_cluster_key").asText());
            }
          }
        });
    root.path("targets")
        .fields()
        .forEachRemaining(
            target ->
                assertThat(target.getValue().path("variables").has(CLUSTER_VARIABLE))
                    .as(
                        "target %s overrides %s: the cluster is specified in one place",
                        target.getKey(), CLUSTER_VARIABLE)
                    .isFalse());
  }

  @Test
  void theClusterIsDedicatedSpotWithFallbackAndScalesFrom2To8Workers() {
    JsonNode variable = variables.path(CLUSTER_VARIABLE);
    assertThat(variable.path("type").asText())
        .as("%s is a complex variable", CLUSTER_VARIABLE)
        .isEqualTo("complex");
    JsonNode cluster = variable.path("default");
    String runtime = cluster.path("spark_version").asText();
    assertThat(runtime)
        .as("a 15.x or 16.x Databricks Runtime with Scala 2.12, the Scala of Beam's Spark runner")
        .matches(RUNTIME);
    if (runtime.startsWith("15.")) {
      assertThat(cluster.path("spark_env_vars").path("JNAME").asText())
          .as(
              "runtime %s runs JDK 8 unless JNAME selects JDK 17, which our bytecode needs",
              runtime)
          .startsWith("zulu17");
    }
    assertThat(cluster.has("num_workers")).as("the cluster autoscales").isFalse();
    assertThat(cluster.path("autoscale").path("min_workers").asInt())
        .as("min_workers")
        .isEqualTo(2);
    assertThat(cluster.path("autoscale").path("max_workers").asInt())
        .as("max_workers")
        .isEqualTo(8);
    JsonNode aws = cluster.path("aws_attributes");
    assertThat(aws.path("availability").asText())
        .as("workers on spot, on demand when there is none")
        .isEqualTo("SPOT_WITH_FALLBACK");
    assertThat(aws.path("first_on_demand").asInt())
        .as("first_on_demand: the driver on demand")
        .isGreaterThanOrEqualTo(1);
    assertThat(cluster.path("data_security_mode").asText())
        .as("dedicated access mode: Beam's Spark runner needs a SparkContext and RDDs (FACTS §5)")
        .isEqualTo("SINGLE_USER");
    assertThat(cluster.path("single_user_name").asText())
        .as("the single user of the dedicated cluster")
        .isNotBlank();
  }

  @Test
  void everyJarTaskRunsDatabricksJobFromTheShadedJarThisModuleBuilds() throws Exception {
    String jar = shadedJarName();
    Path expected = module.resolve("target").resolve(jar).normalize();
    int jarTasks = 0;
    for (Map.Entry<String, JsonNode> job : jobs.entrySet()) {
      Path dir = jobFiles.get(job.getKey()).getParent();
      for (JsonNode task : job.getValue().path("tasks")) {
        String where = "job " + job.getKey() + ", task " + task.path("task_key").asText();
        for (JsonNode library : task.path("libraries")) {
          if (library.has("jar")) {
            assertThat(dir.resolve(library.get("jar").asText()).normalize())
                .as(
                    "%s: the jar is the shaded jar this module builds, %s, relative to %s",
                    where, jar, dir)
                .isEqualTo(expected);
          }
        }
        if (task.has("spark_jar_task")) {
          jarTasks++;
          String mainClass = task.path("spark_jar_task").path("main_class_name").asText();
          assertThat(mainClass)
              .as("%s: main class", where)
              .isEqualTo(DatabricksJob.class.getName());
          Method main = Class.forName(mainClass).getMethod("main", String[].class);
          assertThat(Modifier.isStatic(main.getModifiers()))
              .as("%s: %s has a static main on the test classpath", where, mainClass)
              .isTrue();
          assertThat(task.path("libraries").findValuesAsText("jar"))
              .as("%s: libraries", where)
              .hasSize(1);
        }
      }
    }
    assertThat(jarTasks).as("JAR tasks").isPositive();

    List<Path> built = new ArrayList<>();
    root.path("artifacts")
        .fields()
        .forEachRemaining(
            artifact -> {
              JsonNode spec = artifact.getValue();
              assertThat(spec.path("type").asText())
                  .as("artifact %s type", artifact.getKey())
                  .isEqualTo("jar");
              Path buildDir = bundleDir.resolve(spec.path("path").asText()).normalize();
              assertThat(buildDir.resolve("runners/spark/pom.xml"))
                  .as("artifact %s builds from the repository root", artifact.getKey())
                  .isEqualTo(module.resolve("pom.xml"));
              assertThat(spec.path("build").asText())
                  .as("artifact %s builds this module and what it needs", artifact.getKey())
                  .contains("-pl runners/spark")
                  .contains("-am")
                  .contains("package");
              for (JsonNode file : spec.path("files")) {
                built.add(bundleDir.resolve(file.path("source").asText()).normalize());
              }
            });
    assertThat(built).as("the jar the bundle's artifact builds").containsExactly(expected);
  }

  @Test
  void everyTaskParsesAsTheJobsOptions() {
    for (Map<String, String> overrides :
        List.of(
            Map.<String, String>of(),
            Map.of("sources", "export,kinesis"),
            Map.of("sources", "export,dynamodb-streams"),
            Map.of("sources", "kinesis"),
            Map.of("sources", "dynamodb-streams"))) {
      Map<String, JsonNode> values = variableValues(overrides);
      jobs.forEach(
          (key, job) -> {
            JsonNode resolved = resolve(job, values);
            Map<String, String> jobParameters = new LinkedHashMap<>();
            for (JsonNode parameter : resolved.path("parameters")) {
              jobParameters.put(
                  parameter.path("name").asText(), parameter.path("default").asText());
            }
            for (JsonNode task : resolved.path("tasks")) {
              if (task.has("spark_jar_task")) {
                checkParameters(
                    "job " + key + ", task " + task.path("task_key").asText() + ", " + overrides,
                    task.path("spark_jar_task").path("parameters"),
                    jobParameters);
              }
            }
          });
    }
  }

  private static void checkParameters(String where, JsonNode parameters, Map<String, String> job) {
    List<String> args = new ArrayList<>();
    for (JsonNode parameter : parameters) {
      String value = parameter.asText();
      Matcher reference = JOB_PARAMETER.matcher(value);
      StringBuilder out = new StringBuilder();
      while (reference.find()) {
        assertThat(job)
            .as("%s: %s refers to a job parameter the job does not define", where, value)
            .containsKey(reference.group(1));
        reference.appendReplacement(out, Matcher.quoteReplacement(job.get(reference.group(1))));
      }
      reference.appendTail(out);
      assertThat(out.toString())
          .as("%s: %s: the only dynamic values in parameters are job parameters", where, value)
          .doesNotContain("{{");
      args.add(out.toString());
    }
    Ddb2DeltaOptions options;
    try {
      options = Ddb2Delta.parse(SparkJob.withSparkDefaults(args.toArray(String[]::new), true));
    } catch (RuntimeException e) {
      throw new AssertionError(where + ": " + args + " do not parse as the job's options: " + e, e);
    }
    assertThat(args)
        .as("%s: --deltaRoot is given, not left at its local default", where)
        .anyMatch(a -> a.startsWith("--deltaRoot="));
    assertThat(args).as("%s: --source is given", where).anyMatch(a -> a.startsWith("--source="));
    Set<SourceKind> kinds = Ddb2Delta.sources(options.getSource());
    if (kinds.contains(SourceKind.EXPORT)) {
      assertThat(options.getExportPath())
          .as("%s: an export load names its export (a blank one loads the sample)", where)
          .isNotBlank();
    }
    if (kinds.contains(SourceKind.KINESIS)) {
      assertThat(options.getKinesisStream()).as("%s: --kinesisStream", where).isNotBlank();
    }
    if (kinds.contains(SourceKind.DYNAMODB_STREAMS)) {
      assertThat(options.getTableName()).as("%s: --tableName", where).isNotBlank();
    }
    assertThat(kinds)
        .as("%s: a Databricks job streams (a lone export is a batch job)", where)
        .containsAnyOf(SourceKind.KINESIS, SourceKind.DYNAMODB_STREAMS);
    assertThat(options.as(SparkPipelineOptions.class).getCheckpointDir())
        .as("%s: the Spark checkpoint is durable, under --deltaRoot", where)
        .startsWith(options.getDeltaRoot() + "/");
  }

  @Test
  void theJobIsContinuousAndUnpausedAndBackfillsAndStreamsInOneRun() {
    assertThat(Ddb2Delta.sources(variables.path("sources").path("default").asText()))
        .as("the default sources: an export and a stream, in one pipeline")
        .contains(SourceKind.EXPORT)
        .containsAnyOf(SourceKind.KINESIS, SourceKind.DYNAMODB_STREAMS);
    JsonNode streaming = jobs.get(STREAMING_JOB);
    assertThat(streaming.path("continuous").path("pause_status").asText())
        .as("%s is continuous and unpaused", STREAMING_JOB)
        .isEqualTo("UNPAUSED");
    assertThat(streaming.has("schedule") || streaming.has("trigger"))
        .as("%s has neither schedule nor trigger: it is continuous", STREAMING_JOB)
        .isFalse();
    root.path("targets")
        .fields()
        .forEachRemaining(
            target -> {
              if ("production".equals(target.getValue().path("mode").asText())) {
                JsonNode status =
                    target
                        .getValue()
                        .at("/resources/jobs/" + STREAMING_JOB + "/continuous/pause_status");
                assertThat(status.isMissingNode() || "UNPAUSED".equals(status.asText()))
                    .as("target %s does not pause %s", target.getKey(), STREAMING_JOB)
                    .isTrue();
              }
            });
    jobs.forEach(
        (key, job) -> {
          if (!job.path("tasks").findValues("spark_jar_task").isEmpty()) {
            assertThat(job.path("max_concurrent_runs").asInt(0))
                .as(
                    "job %s writes the tables, so it runs once at a time: one writer per table",
                    key)
                .isEqualTo(1);
          }
        });
  }

  @Test
  void noSecretIsWrittenIntoTheBundle() {
    Map<String, JsonNode> values = variableValues(Map.of());
    files.forEach(
        (file, content) ->
            strings(
                content,
                (path, value) -> {
                  String where = path + " in " + file.getFileName();
                  assertThat(AWS_KEY_ID.matcher(value).find())
                      .as("%s looks like an AWS access key id", where)
                      .isFalse();
                  assertThat(value.toLowerCase(java.util.Locale.ROOT))
                      .as("%s: credentials come from the default chain, never from options", where)
                      .doesNotContain("secretaccesskey")
                      .doesNotContain("awscredentialsprovider");
                  if (path.contains(".parameters[")) {
                    assertThat(value)
                        .as("%s: parameters show in the run's page; secrets go to env vars", where)
                        .doesNotContain("{{secrets/");
                  }
                }));
    files.forEach(
        (file, content) ->
            nodes(
                resolve(content, values),
                (path, node) -> {
                  if (path.endsWith(".spark_env_vars") || path.endsWith(".spark_conf")) {
                    node.fields()
                        .forEachRemaining(
                            entry -> {
                              if (SECRET_NAME.matcher(entry.getKey()).matches()) {
                                assertThat(entry.getValue().asText())
                                    .as(
                                        "%s.%s in %s is a secret scope reference",
                                        path, entry.getKey(), file.getFileName())
                                    .matches(SECRET_REFERENCE);
                              }
                            });
                  }
                }));
  }

  @Test
  void everyIamPolicyIsLeastPrivilege() throws IOException {
    Path iam = bundleDir.resolve("iam");
    String readme = Files.readString(iam.resolve("README.md"));
    List<Path> policies = glob(iam, "*.json");
    for (String job : jobs.keySet()) {
      assertThat(policies)
          .as("job %s has its policy, iam/%s*.json", job, job)
          .anyMatch(p -> p.getFileName().toString().startsWith(job));
    }
    for (Path file : policies) {
      String name = file.getFileName().toString();
      String text = Files.readString(file);
      JsonNode policy;
      try {
        policy = JSON.readTree(text);
      } catch (IOException e) {
        throw new AssertionError(name + " is not valid JSON: " + e.getMessage(), e);
      }
      assertThat(policy.path("Version").asText()).as("%s Version", name).isEqualTo("2012-10-17");
      JsonNode statements = policy.path("Statement");
      assertThat(statements.isArray() && !statements.isEmpty())
          .as("%s has statements", name)
          .isTrue();
      for (JsonNode statement : statements) {
        String sid = name + " " + statement.path("Sid").asText("(no Sid)");
        assertThat(statement.path("Effect").asText()).as("%s Effect", sid).isEqualTo("Allow");
        assertThat(statement.has("NotAction") || statement.has("NotResource"))
            .as("%s: NotAction and NotResource grant everything else", sid)
            .isFalse();
        List<String> actions = texts(statement.path("Action"));
        List<String> resources = texts(statement.path("Resource"));
        assertThat(actions).as("%s actions", sid).isNotEmpty();
        assertThat(resources).as("%s resources", sid).isNotEmpty();
        for (String action : actions) {
          assertThat(action)
              .as("%s: %s is one action, no wildcard (no *, no s3:*, no kinesis:*)", sid, action)
              .matches("[a-z0-9-]+:[A-Za-z0-9]+");
        }
        for (String resource : resources) {
          if (resource.equals("*")) {
            assertThat(ACTIONS_WITHOUT_RESOURCES)
                .as(
                    "%s: \"Resource\": \"*\" only for actions without resource-level permissions",
                    sid)
                .containsAll(actions);
          } else if (resource.startsWith("arn:aws:s3:::")) {
            assertThat(resource)
                .as("%s: a bucket, or the objects under a prefix, never a whole bucket's", sid)
                .matches("arn:aws:s3:::[^/*]+(/[^*]+/\\*)?");
          } else if (resource.startsWith("arn:aws:dynamodb:")) {
            assertThat(resource)
                .as("%s: one named table, or its streams", sid)
                .matches("arn:aws:dynamodb:[^:*]+:[^:*]+:table/[^/*]+(/stream/\\*)?");
          } else {
            assertThat(resource).as("%s: one named resource", sid).doesNotContain("*");
          }
        }
        if (actions.contains("s3:ListBucket")) {
          assertThat(statement.at("/Condition/StringLike/s3:prefix").isMissingNode())
              .as("%s: s3:ListBucket only with an s3:prefix condition", sid)
              .isFalse();
        }
      }
      Matcher placeholder = SUBSTITUTION.matcher(text);
      while (placeholder.find()) {
        assertThat(readme)
            .as("%s uses %s, which iam/README.md documents", name, placeholder.group())
            .contains("`" + placeholder.group() + "`");
      }
    }
  }

  /**
   * The three dashboards and the alerts, as the build step generates them from dashboards/ and
   * sql/alerts/: each dashboard's file exists and is a Lakeview export on the bundle's warehouse;
   * each alert inlines its rule's SQL (FACTS §10: a file reference deploys the literal text).
   */
  @Test
  void theDashboardsAndAlertsAreTheGeneratedExportsOfTheShippedFiles() throws IOException {
    Map<String, JsonNode> dashboards = new LinkedHashMap<>();
    Map<String, JsonNode> alerts = new LinkedHashMap<>();
    Map<String, Path> fileOf = new LinkedHashMap<>();
    files.forEach(
        (file, content) -> {
          content
              .path("resources")
              .path("dashboards")
              .fields()
              .forEachRemaining(
                  d -> {
                    dashboards.put(d.getKey(), d.getValue());
                    fileOf.put(d.getKey(), file);
                  });
          content
              .path("resources")
              .path("alerts")
              .fields()
              .forEachRemaining(a -> alerts.put(a.getKey(), a.getValue()));
        });
    assertThat(dashboards)
        .containsOnlyKeys(
            "ddb2delta_order_monitoring",
            "ddb2delta_business_intelligence",
            "ddb2delta_operational_monitoring");
    Map<String, Integer> widgets = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> d : dashboards.entrySet()) {
      assertThat(d.getValue().path("warehouse_id").asText()).isEqualTo("${var.warehouse_id}");
      Path export =
          fileOf.get(d.getKey()).getParent().resolve(d.getValue().path("file_path").asText());
      assertThat(export).as("%s's generated export", d.getKey()).isRegularFile();
      JsonNode lakeview = JSON.readTree(export.toFile());
      assertThat(lakeview.path("datasets").size()).isPositive();
      widgets.put(d.getKey(), lakeview.path("pages").get(0).path("layout").size());
    }
    assertThat(widgets)
        .containsEntry("ddb2delta_order_monitoring", 5)
        .containsEntry("ddb2delta_business_intelligence", 4)
        .containsEntry("ddb2delta_operational_monitoring", 4);
    Path rules = module.resolve("../../sql/alerts").normalize();
    try (DirectoryStream<Path> sqlFiles = Files.newDirectoryStream(rules, "*.sql")) {
      for (Path rule : sqlFiles) {
        String name = "ddb2delta_" + rule.getFileName().toString().replace(".sql", "");
        assertThat(alerts).as("an alert per rule file").containsKey(name);
        assertThat(alerts.get(name).path("query_text").asText().strip())
            .isEqualTo(Files.readString(rule).strip());
      }
    }
    assertThat(alerts).hasSize(4);
  }

  @Test
  void theDashboardReadersGetUseAndSelectOnlyAndTheJobOwnsEveryTable() throws IOException {
    Path sql = module.resolve("../../sql").normalize();
    List<String> registered = new ArrayList<>();
    Matcher create =
        Pattern.compile("CREATE TABLE IF NOT EXISTS \\$\\{catalog_schema}\\.(\\w+)")
            .matcher(Files.readString(sql.resolve("ddl/register_tables.sql")));
    while (create.find()) {
      registered.add(create.group(1));
    }
    assertThat(registered).as("tables register_tables.sql registers").isNotEmpty();

    String text = Files.readString(sql.resolve("grants/dashboard_readers.sql"));
    List<String> statements =
        Arrays.stream(text.split(";\\s*(\\n|$)"))
            .map(s -> s.lines().filter(l -> !l.startsWith("--")).collect(Collectors.joining(" ")))
            .map(s -> s.replaceAll("\\s+", " ").strip())
            .filter(s -> !s.isEmpty())
            .toList();
    List<String> readers =
        statements.stream().filter(s -> s.contains("ddb2delta_dashboard_readers")).toList();
    assertThat(readers)
        .as("the only statements about the dashboard readers")
        .containsExactlyInAnyOrder(
            "GRANT USE CATALOG ON CATALOG ${catalog} TO `ddb2delta_dashboard_readers`",
            "GRANT USE SCHEMA ON SCHEMA ${catalog_schema} TO `ddb2delta_dashboard_readers`",
            "GRANT SELECT ON SCHEMA ${catalog_schema} TO `ddb2delta_dashboard_readers`");
    assertThat(statements)
        .as("the job's service principal owns the schema")
        .contains("ALTER SCHEMA ${catalog_schema} OWNER TO `${job_principal}`");
    for (String table : registered) {
      assertThat(statements)
          .as("the job's service principal owns %s", table)
          .contains("ALTER TABLE ${catalog_schema}." + table + " OWNER TO `${job_principal}`");
    }
    Matcher placeholder = SUBSTITUTION.matcher(text);
    while (placeholder.find()) {
      assertThat(text)
          .as("dashboard_readers.sql documents %s in its header", placeholder.group())
          .contains("-- " + placeholder.group() + ":");
    }
  }

  @Test
  void theBundleUsesOnlyFieldsOfTheBundleSchema() {
    files.forEach((file, content) -> checkSchema("Root", content, file.getFileName().toString()));
    checkSchema(
        "ClusterSpec",
        variables.path(CLUSTER_VARIABLE).path("default"),
        "variables." + CLUSTER_VARIABLE + ".default");
  }

  /**
   * The property names and enum values of the definitions in the bundle's JSON schema
   * (databricks/cli, bundle/schema/jsonschema.json) that this bundle uses. A property whose type is
   * named after {@code =} is checked in turn ({@code map:} a map of, {@code list:} a list of,
   * {@code enum:} one of); one without is only checked to exist.
   */
  private static final Map<String, Map<String, String>> SCHEMA =
      Map.ofEntries(
          schema(
              "Root",
              "artifacts=map:Artifact bundle=Bundle environments experimental include permissions"
                  + " presets python resources=Resources run_as=JobRunAs scripts sync=Sync"
                  + " targets=map:Target variables=map:Variable workspace=Workspace"),
          schema("Bundle", "cluster_id compute_id databricks_cli_version deployment git name uuid"),
          schema("Artifact", "build dynamic_version executable files=list:ArtifactFile path type"),
          schema("ArtifactFile", "source"),
          schema("Variable", "default description lookup type"),
          schema(
              "Target",
              "artifacts=map:Artifact bundle=Bundle cluster_id compute_id default git"
                  + " mode=enum:development|production permissions presets resources=Resources"
                  + " run_as=JobRunAs sync=Sync variables workspace=Workspace"),
          schema(
              "Workspace",
              "artifact_path auth_type azure_client_id azure_environment azure_login_app_id"
                  + " azure_tenant_id azure_use_msi azure_workspace_resource_id client_id"
                  + " experimental_is_unified_host file_path google_service_account host profile"
                  + " resource_path root_path state_path workspace_id"),
          schema("Sync", "exclude include paths"),
          schema(
              "Resources",
              "alerts apps catalogs clusters dashboards database_catalogs database_instances"
                  + " experiments external_locations jobs=map:Job model_serving_endpoints models"
                  + " pipelines postgres_branches postgres_endpoints postgres_projects"
                  + " quality_monitors registered_models schemas secret_scopes sql_warehouses"
                  + " synced_database_tables volumes"),
          schema("JobRunAs", "group_name service_principal_name user_name"),
          schema(
              "Job",
              "budget_policy_id continuous=Continuous description email_notifications"
                  + " environments git_source health job_clusters=list:JobCluster lifecycle"
                  + " max_concurrent_runs name notification_settings"
                  + " parameters=list:JobParameterDefinition performance_target permissions queue"
                  + " run_as=JobRunAs schedule tags tasks=list:Task timeout_seconds trigger"
                  + " usage_policy_id webhook_notifications"),
          schema(
              "Continuous",
              "pause_status=enum:PAUSED|UNPAUSED task_retry_mode=enum:NEVER|ON_FAILURE"),
          schema("JobCluster", "job_cluster_key new_cluster=ClusterSpec"),
          schema("JobParameterDefinition", "default name"),
          schema(
              "Task",
              "clean_rooms_notebook_task compute condition_task dashboard_task dbt_cloud_task"
                  + " dbt_platform_task dbt_task depends_on description disable_auto_optimization"
                  + " disabled email_notifications environment_key existing_cluster_id"
                  + " for_each_task gen_ai_compute_task health job_cluster_key"
                  + " libraries=list:Library max_retries min_retry_interval_millis"
                  + " new_cluster=ClusterSpec notebook_task notification_settings pipeline_task"
                  + " power_bi_task python_wheel_task retry_on_timeout run_if run_job_task"
                  + " spark_jar_task=SparkJarTask spark_python_task spark_submit_task sql_task"
                  + " task_key timeout_seconds webhook_notifications"),
          schema("SparkJarTask", "jar_uri main_class_name parameters run_as_repl"),
          schema("Library", "cran egg jar maven pypi requirements whl"),
          schema(
              "ClusterSpec",
              "apply_policy_default_values autoscale=AutoScale autotermination_minutes"
                  + " aws_attributes=AwsAttributes azure_attributes cluster_log_conf cluster_name"
                  + " custom_tags data_security_mode=enum:NONE|SINGLE_USER|USER_ISOLATION"
                  + "|LEGACY_TABLE_ACL|LEGACY_PASSTHROUGH|LEGACY_SINGLE_USER"
                  + "|LEGACY_SINGLE_USER_STANDARD|DATA_SECURITY_MODE_STANDARD"
                  + "|DATA_SECURITY_MODE_DEDICATED|DATA_SECURITY_MODE_AUTO docker_image"
                  + " driver_instance_pool_id driver_node_type_flexibility driver_node_type_id"
                  + " enable_elastic_disk enable_local_disk_encryption gcp_attributes"
                  + " init_scripts instance_pool_id is_single_node kind node_type_id num_workers"
                  + " policy_id remote_disk_throughput runtime_engine=enum:NULL|STANDARD|PHOTON"
                  + " single_user_name spark_conf spark_env_vars spark_version ssh_public_keys"
                  + " total_initial_remote_disk_size use_ml_runtime worker_node_type_flexibility"
                  + " workload_type"),
          schema("AutoScale", "max_workers min_workers"),
          schema(
              "AwsAttributes",
              "availability=enum:SPOT|ON_DEMAND|SPOT_WITH_FALLBACK ebs_volume_count"
                  + " ebs_volume_iops ebs_volume_size ebs_volume_throughput ebs_volume_type"
                  + " first_on_demand instance_profile_arn spot_bid_price_percent zone_id"));

  /** The fields each definition requires, from the same schema. */
  private static final Map<String, List<String>> REQUIRED =
      Map.of(
          "Bundle", List.of("name"),
          "ArtifactFile", List.of("source"),
          "JobCluster", List.of("job_cluster_key", "new_cluster"),
          "JobParameterDefinition", List.of("default", "name"),
          "Task", List.of("task_key"));

  private static Map.Entry<String, Map<String, String>> schema(String type, String properties) {
    Map<String, String> byName = new LinkedHashMap<>();
    for (String property : properties.split(" ")) {
      String[] nameAndType = property.split("=", 2);
      byName.put(nameAndType[0], nameAndType.length == 2 ? nameAndType[1] : "");
    }
    return Map.entry(type, byName);
  }

  private static void checkSchema(String type, JsonNode node, String where) {
    if (type.isEmpty() || (node.isTextual() && WHOLE_VAR.matcher(node.asText()).matches())) {
      return;
    }
    if (type.startsWith("map:")) {
      node.fields()
          .forEachRemaining(
              e -> checkSchema(type.substring(4), e.getValue(), where + "." + e.getKey()));
      return;
    }
    if (type.startsWith("list:")) {
      assertThat(node.isArray()).as("%s is a list", where).isTrue();
      for (int i = 0; i < node.size(); i++) {
        checkSchema(type.substring(5), node.get(i), where + "[" + i + "]");
      }
      return;
    }
    if (type.startsWith("enum:")) {
      assertThat(node.asText())
          .as("%s is one of the schema's values", where)
          .isIn(Arrays.asList(type.substring(5).split("\\|")));
      return;
    }
    Map<String, String> properties = SCHEMA.get(type);
    assertThat(node.isObject()).as("%s is a %s object", where, type).isTrue();
    node.fields()
        .forEachRemaining(
            field -> {
              assertThat(properties)
                  .as(
                      "%s: %s is not a field of %s in the bundle schema",
                      where, field.getKey(), type)
                  .containsKey(field.getKey());
              checkSchema(
                  properties.get(field.getKey()), field.getValue(), where + "." + field.getKey());
            });
    for (String required : REQUIRED.getOrDefault(type, List.of())) {
      assertThat(node.has(required)).as("%s: %s requires %s", where, type, required).isTrue();
    }
  }

  /** The test's value for every variable: the override, else the default, else a dummy. */
  private static Map<String, JsonNode> variableValues(Map<String, String> overrides) {
    Map<String, JsonNode> raw = new LinkedHashMap<>();
    variables
        .fields()
        .forEachRemaining(
            v -> {
              String name = v.getKey();
              JsonNode value =
                  overrides.containsKey(name)
                      ? TextNode.valueOf(overrides.get(name))
                      : v.getValue().has("default")
                          ? v.getValue().get("default")
                          : TextNode.valueOf(DUMMIES.getOrDefault(name, "dummy-" + name));
              raw.put(name, value);
            });
    // Defaults may refer to other variables (the cluster to node_type_id): resolve to a fixpoint.
    Map<String, JsonNode> values = new LinkedHashMap<>(raw);
    for (int round = 0; round < 5; round++) {
      Map<String, JsonNode> previous = new LinkedHashMap<>(values);
      values.replaceAll((name, value) -> resolve(value, previous));
    }
    return values;
  }

  /** A copy of {@code node} with variables and the known substitutions replaced. */
  private static JsonNode resolve(JsonNode node, Map<String, JsonNode> values) {
    if (node.isTextual()) {
      String text = node.asText();
      Matcher whole = WHOLE_VAR.matcher(text);
      if (whole.matches() && values.containsKey(whole.group(1))) {
        return values.get(whole.group(1)).deepCopy();
      }
      Matcher reference = SUBSTITUTION.matcher(text);
      StringBuilder out = new StringBuilder();
      while (reference.find()) {
        String name = reference.group(1);
        String value =
            name.startsWith("var.") && values.containsKey(name.substring(4))
                ? values.get(name.substring(4)).asText()
                : SUBSTITUTIONS.getOrDefault(name, reference.group());
        reference.appendReplacement(out, Matcher.quoteReplacement(value));
      }
      reference.appendTail(out);
      return TextNode.valueOf(out.toString());
    }
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      node.fields().forEachRemaining(e -> copy.set(e.getKey(), resolve(e.getValue(), values)));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(e -> copy.add(resolve(e, values)));
      return copy;
    }
    return node;
  }

  /** The shaded jar's file name: the pom's final name and the shade classifier. */
  private static String shadedJarName() throws Exception {
    Element pom =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(module.resolve("pom.xml").toFile())
            .getDocumentElement();
    String artifactId = child(pom, "artifactId");
    String version = child(pom, "version");
    if (version == null) {
      version = child((Element) pom.getElementsByTagName("parent").item(0), "version");
    }
    assertThat(artifactId).as("the pom's artifactId").isNotBlank();
    assertThat(version).as("the pom's version").isNotBlank();
    Element build = (Element) pom.getElementsByTagName("build").item(0);
    String finalName = build == null ? null : child(build, "finalName");
    String name =
        (finalName == null ? artifactId + "-" + version : finalName)
            + "-"
            + SHADED_CLASSIFIER
            + ".jar";
    Node failsafe = pom.getElementsByTagName("ddb2delta.databricks.jar").item(0);
    if (failsafe != null) {
      assertThat(failsafe.getTextContent())
          .as("the jar the integration tests use is the one the bundle deploys")
          .endsWith("${project.build.finalName}-" + SHADED_CLASSIFIER + ".jar");
    }
    return name;
  }

  private static String child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e.getTextContent().strip();
      }
    }
    return null;
  }

  private static List<String> texts(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else if (!node.isMissingNode()) {
      out.add(node.asText());
    }
    return out;
  }

  private static List<Path> glob(Path dir, String pattern) {
    var matcher = dir.getFileSystem().getPathMatcher("glob:" + pattern);
    List<Path> out = new ArrayList<>();
    String parent = pattern.contains("/") ? pattern.substring(0, pattern.lastIndexOf('/')) : "";
    Path base = dir.resolve(parent);
    if (!Files.isDirectory(base)) {
      return out;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(base)) {
      for (Path entry : entries) {
        if (matcher.matches(dir.relativize(entry))) {
          out.add(entry);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort(null);
    return out;
  }

  /** Calls {@code visit} with the path and node of every node under {@code node}. */
  private static void nodes(JsonNode node, BiConsumer<String, JsonNode> visit) {
    nodes("", node, visit);
  }

  private static void nodes(String path, JsonNode node, BiConsumer<String, JsonNode> visit) {
    visit.accept(path, node);
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        nodes(path + "." + e.getKey(), e.getValue(), visit);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        nodes(path + "[" + i + "]", node.get(i), visit);
      }
    }
  }

  /** Calls {@code visit} with the path and text of every string under {@code node}. */
  private static void strings(JsonNode node, BiConsumer<String, String> visit) {
    nodes(
        node,
        (path, n) -> {
          if (n.isTextual()) {
            visit.accept(path, n.asText());
          }
        });
  }
}
