package io.ciorelay.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cio status}: prints a running relay's delivery health in human-readable form. Exit code 0
 * when it is delivering (UP or DEGRADED), 1 when not (breaker open, DOWN), 2 when the relay cannot
 * be reached. Not thread-safe; one instance per invocation.
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a running relay's delivery health.")
public final class StatusCommand implements Callable<Integer> {
  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "The relay's base URL. Default: ${DEFAULT-VALUE}.")
  String url;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    AdminClient.Response r;
    try {
      r = new AdminClient(url, null).get("/health/customerio");
    } catch (java.io.IOException | IllegalArgumentException e) {
      spec.commandLine().getErr().println("cio status: cannot reach " + url + ": " + e.getMessage());
      return 2;
    }
    JsonNode h;
    try {
      h = new ObjectMapper().readTree(r.body());
    } catch (java.io.IOException e) {
      spec.commandLine().getErr().println("cio status: " + url + " answered " + r.status() + " with a body that is not health JSON");
      return 2;
    }
    out.println("relay:             " + url);
    if (h.has("workspaces")) {
      out.println("status:            " + h.path("status").asText() + " (HTTP " + r.status() + ")");
      h.path("workspaces").fields().forEachRemaining(e -> {
        out.println();
        out.println("workspace " + e.getKey() + ":");
        print(out, e.getValue(), "");
      });
    } else {
      print(out, h, " (HTTP " + r.status() + ")");
    }
    out.flush();
    return r.status() == 200 ? 0 : 1;
  }

  private static void print(PrintWriter out, JsonNode h, String suffix) {
    out.println("status:            " + h.path("status").asText() + suffix);
    JsonNode reasons = h.path("reasons");
    if (reasons.isArray() && !reasons.isEmpty()) {
      out.println("reasons:");
      reasons.forEach(x -> out.println("  - " + x.asText()));
    }
    out.println("backlog:           " + h.path("backlog").asLong() + " operation(s), " + h.path("backlog_bytes").asLong() + " bytes");
    out.println("oldest pending:    " + h.path("oldest_pending_age_seconds").asDouble() + " s");
    out.println("circuit breaker:   " + h.path("circuit_state").asText() + " (" + h.path("failures").asLong()
        + " failure(s), " + h.path("consecutive_failures").asLong() + " in a row)");
    out.println("last success:      " + text(h, "last_success"));
    out.println("last failure:      " + text(h, "last_failure") + (h.path("last_error").isTextual() ? " — " + h.path("last_error").asText() : ""));
    out.println("dead letters:      " + h.path("dead_letters").asLong());
    out.println("delivery rate:     " + String.format(java.util.Locale.ROOT, "%.1f", h.path("delivered_per_second").asDouble()) + " operations/s");
  }

  private static String text(JsonNode h, String field) {
    JsonNode n = h.get(field);
    return n == null || n.isNull() ? "never" : n.asText();
  }
}
