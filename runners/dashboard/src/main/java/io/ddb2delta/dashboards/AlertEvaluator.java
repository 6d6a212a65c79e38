package io.ddb2delta.dashboards;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates alert rules over the lake: a rule whose condition holds fires, which logs it and posts
 * a JSON body to the webhook, unless it fired within its cool-down. A query that fails is logged
 * and fires nothing.
 */
public final class AlertEvaluator {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Lake lake;
  private final List<AlertRule> rules;
  private final URI webhook;
  private final Clock clock;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, Instant> lastFired = new HashMap<>();

  public AlertEvaluator(Lake lake, List<AlertRule> rules, URI webhook, Clock clock) {
    this.lake = lake;
    this.rules = List.copyOf(rules);
    this.webhook = webhook;
    this.clock = clock;
  }

  /** What one evaluation of a rule found; {@code notified} when it fired and was posted. */
  public record Outcome(String rule, Double value, boolean fires, boolean notified, String error) {}

  /** Evaluates every rule once. */
  public synchronized List<Outcome> evaluate() {
    lake.refreshViews();
    List<Outcome> out = new ArrayList<>();
    for (AlertRule r : rules) {
      Double value;
      try {
        Lake.Result result = lake.query(r.sql());
        int i = result.columns().indexOf(r.column());
        if (i < 0) {
          throw new IllegalStateException(
              "the query returns no column " + r.column() + ", only " + result.columns());
        }
        Object v = result.rows().isEmpty() ? null : result.rows().get(0).get(i);
        value = v == null ? null : ((Number) v).doubleValue();
      } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes.
        String error = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        System.err.println("alert " + r.name() + ": its query failed: " + error);
        out.add(new Outcome(r.name(), null, false, false, error));
        continue;
      }
      boolean fires = r.fires(value);
      boolean notify = false;
      if (fires) {
        Instant now = clock.instant();
        Instant last = lastFired.get(r.name());
        notify = last == null || !now.isBefore(last.plus(r.cooldown()));
        if (notify) {
          lastFired.put(r.name(), now);
          System.out.println(
              "ALERT "
                  + r.severity()
                  + " "
                  + r.displayName()
                  + ": "
                  + r.column()
                  + " = "
                  + value
                  + " ("
                  + r.column()
                  + " "
                  + r.operator()
                  + " "
                  + r.threshold()
                  + ")");
          post(r, value, now);
        }
      }
      out.add(new Outcome(r.name(), value, fires, notify, null));
    }
    return out;
  }

  private void post(AlertRule r, double value, Instant at) {
    if (webhook == null) {
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("alert", r.name());
    body.put("displayName", r.displayName());
    body.put("severity", r.severity());
    body.put("column", r.column());
    body.put("value", value);
    body.put("condition", r.column() + " " + r.operator() + " " + r.threshold());
    body.put("firedAt", at.toString());
    body.put("cooldownSeconds", r.cooldown().toSeconds());
    body.put("description", r.description());
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(webhook)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        System.err.println("alert " + r.name() + ": the webhook answered " + response.statusCode());
      }
    } catch (IOException e) {
      System.err.println("alert " + r.name() + ": the webhook failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
