package io.ddb2delta.dashboards;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.UnauthorizedResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serves the dashboards over HTTP: a page per dashboard that draws its widgets with Chart.js and
 * polls {@code /api/dashboards/<name>} every few seconds, and that JSON.
 *
 * <p>Guarantees: it binds the loopback address unless told otherwise, and refuses to bind any other
 * without a token; with a token, every request must carry it ({@code ?token=} or {@code
 * Authorization: Bearer}), or gets 401.
 */
public final class DashboardServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String CHART_JS = "/webjars/chart.js/4.4.7/dist/chart.umd.js";

  private final Javalin app;
  private final String url;

  private DashboardServer(Javalin app, String url) {
    this.app = app;
    this.url = url;
  }

  /**
   * Starts serving on {@code host:port} (port 0 picks a free one).
   *
   * @param token required of every request when not null; required when host is not loopback
   */
  public static DashboardServer start(
      DashboardService service, String host, int port, String token, int refreshSeconds) {
    if (!isLoopback(host) && (token == null || token.isBlank())) {
      throw new IllegalArgumentException(
          "binding "
              + host
              + " serves the dashboards beyond this machine: pass --token=SECRET, which every"
              + " request must then carry");
    }
    String page = resource("dashboard.html");
    Javalin app =
        Javalin.create(
            config -> {
              config.staticFiles.enableWebjars();
              config.showJavalinBanner = false;
            });
    if (token != null && !token.isBlank()) {
      byte[] expected = token.getBytes(StandardCharsets.UTF_8);
      app.before(ctx -> requireToken(ctx, expected));
    }
    app.get("/", ctx -> ctx.html(index(service, token)));
    app.get(
        "/d/{name}",
        ctx -> {
          String name = ctx.pathParam("name");
          if (service.dashboard(name).isEmpty()) {
            ctx.status(404).result("no dashboard " + name);
            return;
          }
          ctx.html(
              page.replace("{{dashboard}}", name)
                  .replace("{{title}}", service.dashboard(name).orElseThrow().title())
                  .replace("{{refreshSeconds}}", Integer.toString(refreshSeconds))
                  .replace("{{chartJs}}", CHART_JS));
        });
    app.get(
        "/api/dashboards/{name}",
        ctx -> {
          String name = ctx.pathParam("name");
          if (service.dashboard(name).isEmpty()) {
            ctx.status(404).result("no dashboard " + name);
            return;
          }
          ctx.contentType("application/json")
              .result(JSON.writeValueAsString(service.refresh(name)));
        });
    app.get(
        "/api/dashboards",
        ctx -> {
          List<Map<String, String>> list = new ArrayList<>();
          for (Dashboard d : service.dashboards()) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("name", d.name());
            m.put("title", d.title());
            list.add(m);
          }
          ctx.contentType("application/json").result(JSON.writeValueAsString(list));
        });
    app.start(host, port);
    String shown = host.contains(":") ? "[" + host + "]" : host;
    return new DashboardServer(app, "http://" + shown + ":" + app.port());
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
  public String url() {
    return url;
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static void requireToken(Context ctx, byte[] expected) {
    String given = ctx.queryParam("token");
    String auth = ctx.header("Authorization");
    if (given == null && auth != null && auth.startsWith("Bearer ")) {
      given = auth.substring("Bearer ".length());
    }
    if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
      throw new UnauthorizedResponse("a token is required: ?token=... or Authorization: Bearer");
    }
  }

  private static String index(DashboardService service, String token) {
    StringBuilder links = new StringBuilder();
    for (Dashboard d : service.dashboards()) {
      links
          .append("<li><a href=\"/d/")
          .append(d.name())
          .append(token == null ? "" : "?token=" + token)
          .append("\">")
          .append(d.title())
          .append("</a> (")
          .append(d.widgets().size())
          .append(" widgets)</li>");
    }
    return "<!doctype html><html><head><meta charset=\"utf-8\"><title>ddb2delta dashboards</title>"
        + "</head><body style=\"font-family:sans-serif\"><h1>ddb2delta dashboards</h1><ul>"
        + links
        + "</ul></body></html>";
  }

  private static String resource(String name) {
    try (InputStream in = DashboardServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    app.stop();
  }
}
