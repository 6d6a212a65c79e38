package io.ddb2delta.dashboards;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dashboard}: serves the three dashboards over a local lake, and with {@code --webhook}
 * evaluates the alert rules on a schedule.
 */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description =
        "Serves the dashboards of dashboards/ over the Delta tables under --deltaRoot, with Spark"
            + " SQL, at http://127.0.0.1:8080; with --webhook, also evaluates the alert rules of"
            + " sql/alerts/ every --alertIntervalSeconds and posts what fires.")
public final class DashboardCommand implements java.util.concurrent.Callable<Integer> {
  @Option(
      names = "--deltaRoot",
      required = true,
      description = "The lake: the pipeline's --deltaRoot.")
  Path deltaRoot;

  @Option(names = "--dashboards", description = "The dashboards folder (default: the checkout's).")
  Path dashboards;

  @Option(
      names = "--alerts",
      description = "The alert rules folder (default: the checkout's sql/alerts).")
  Path alerts;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description =
          "Address to bind (default: ${DEFAULT-VALUE}); any other than loopback needs --token.")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port (default: ${DEFAULT-VALUE}; 0 picks one).")
  int port;

  @Option(
      names = "--token",
      description = "A secret every request must carry (?token= or Authorization: Bearer).")
  String token;

  @Option(
      names = "--refreshSeconds",
      defaultValue = "5",
      description = "How often the pages refresh (default: ${DEFAULT-VALUE}).")
  int refreshSeconds;

  @Option(
      names = "--webhook",
      description = "Where firing alerts are posted as JSON; none: alerts are not evaluated.")
  URI webhook;

  @Option(
      names = "--alertIntervalSeconds",
      defaultValue = "30",
      description = "How often alerts are evaluated (default: ${DEFAULT-VALUE}).")
  int alertIntervalSeconds;

  public static void main(String[] args) {
    int code = new CommandLine(new DashboardCommand()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    Path root = dashboards != null ? dashboards : Dashboard.defaultRoot();
    List<Dashboard> all = Dashboard.loadAll(root);
    Files.createDirectories(deltaRoot);
    Lake lake = Lake.open(deltaRoot);
    DashboardService service = new DashboardService(lake, all, 1_000);
    DashboardServer server = DashboardServer.start(service, host, port, token, refreshSeconds);
    System.out.println(
        "dashboards at " + server.url() + "/" + (token == null ? "" : "?token=<your token>"));
    for (Dashboard d : all) {
      System.out.println("  " + d.title() + ": " + server.url() + "/d/" + d.name());
    }
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    if (webhook != null) {
      Path rules = alerts != null ? alerts : root.getParent().resolve("sql").resolve("alerts");
      AlertEvaluator evaluator =
          new AlertEvaluator(lake, AlertRule.loadAll(rules), webhook, Clock.systemUTC());
      scheduler.scheduleWithFixedDelay(
          () -> {
            try {
              evaluator.evaluate();
            } catch (RuntimeException e) {
              System.err.println("alert evaluation failed: " + e);
            }
          },
          0,
          alertIntervalSeconds,
          TimeUnit.SECONDS);
      System.out.println(
          "alerts from " + rules + " every " + alertIntervalSeconds + " s to " + webhook);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  scheduler.shutdownNow();
                  server.close();
                  lake.close();
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }
}
