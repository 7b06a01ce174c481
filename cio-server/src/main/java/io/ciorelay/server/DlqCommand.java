package io.ciorelay.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cio dlq list|replay|purge}: works a running relay's dead letters through its admin API;
 * with {@code --webhooks}, the webhook forwarder's dead letters ({@code /admin/webhooks/dead-letters})
 * instead of the Customer.io operations'.
 * The admin token comes from {@code --token} or {@code CIO_ADMIN_TOKEN}. Exit code 0 on success, 1
 * when the relay refused (the reason is printed), 2 when it cannot be reached or the usage is wrong.
 * Not thread-safe; one instance per invocation.
 */
@Command(name = "dlq", mixinStandardHelpOptions = true,
    description = "List, replay or purge a running relay's dead letters (operations, or with --webhooks the"
        + " webhooks the forwarder gave up on).")
public final class DlqCommand implements Callable<Integer> {
  enum Action { list, replay, purge }

  @Parameters(index = "0", description = "list, replay or purge.")
  Action action;

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "The relay's base URL. Default: ${DEFAULT-VALUE}.")
  String url;

  @Option(names = "--token", description = "Admin token (default: $CIO_ADMIN_TOKEN).")
  String token;

  @Option(names = "--ids", split = ",", description = "Dead-letter ids to replay or purge.")
  List<Long> ids;

  @Option(names = "--all", description = "Replay or purge every dead letter.")
  boolean all;

  @Option(names = "--after", defaultValue = "0", description = "List dead letters with id above this. Default: ${DEFAULT-VALUE}.")
  long after;

  @Option(names = "--limit", defaultValue = "100", description = "List at most this many. Default: ${DEFAULT-VALUE}.")
  int limit;

  @Option(names = "--workspace", description = "The workspace, for a relay serving several (relay.workspaces).")
  String workspace;

  @Option(names = "--webhooks", description = "Work the webhook forwarder's dead letters instead of the operations'.")
  boolean webhooks;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private final Map<String, String> env;

  public DlqCommand() {
    this(System.getenv());
  }

  DlqCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String t = token != null ? token : env.get("CIO_ADMIN_TOKEN");
    if (t == null || t.isBlank()) {
      err.println("cio dlq: an admin token is required (--token or CIO_ADMIN_TOKEN)");
      return 2;
    }
    if (action != Action.list && !all && (ids == null || ids.isEmpty())) {
      err.println("cio dlq " + action + ": give --ids 1,2,3 or --all");
      return 2;
    }
    AdminClient client = new AdminClient(url, t);
    AdminClient.Response r;
    try {
      String base = webhooks ? "/admin/webhooks/dead-letters" : "/admin/dead-letters";
      String ws = webhooks ? "" : workspaceParam("&");
      if (action == Action.list) {
        r = client.get(base + "?after=" + after + "&limit=" + limit + ws);
      } else {
        String body = all ? "{\"all\":true}"
            : "{\"ids\":[" + ids.stream().map(String::valueOf).collect(Collectors.joining(",")) + "]}";
        r = client.post(base + "/" + action + (webhooks ? "" : workspaceParam("?")), body);
      }
    } catch (java.io.IOException | IllegalArgumentException e) {
      err.println("cio dlq: cannot reach " + url + ": " + e.getMessage());
      return 2;
    }
    JsonNode n;
    try {
      n = new ObjectMapper().readTree(r.body());
    } catch (java.io.IOException e) {
      n = null;
    }
    if (r.status() != 200 || n == null) {
      err.println("cio dlq: " + url + " answered " + r.status() + ": " + (n != null && n.has("error") ? n.get("error").asText() : r.body()));
      return 1;
    }
    switch (action) {
      case list -> {
        out.println(n.path("count").asLong() + (webhooks ? " webhook" : "") + " dead letter(s)");
        for (JsonNode d : n.path("dead_letters")) {
          if (webhooks) {
            out.println("#" + d.path("id").asLong() + "  " + d.path("person_key").asText() + "  event "
                + d.path("event_id").asText() + "  " + d.path("attempts").asInt() + " attempt(s), dead at "
                + d.path("dead_at").asText());
            out.println("    reason:  " + d.path("reason").asText());
            out.println("    body:    " + d.path("body"));
            continue;
          }
          out.println("#" + d.path("id").asLong() + "  " + d.path("person_key").asText()
              + (d.path("event_id").isTextual() ? "  event " + d.path("event_id").asText() : "")
              + "  status " + d.path("last_status").asInt() + ", " + d.path("attempts").asInt() + " attempt(s), dead at "
              + d.path("dead_at").asText());
          out.println("    reason:  " + d.path("reason").asText());
          out.println("    payload: " + d.path("payload"));
        }
        if (n.path("next_after").isNumber()) {
          out.println("more: --after " + n.path("next_after").asLong());
        }
      }
      case replay -> out.println("replayed " + n.path("replayed").asLong() + " dead letter(s)");
      case purge -> out.println("purged " + n.path("purged").asLong() + " dead letter(s)");
      default -> throw new IllegalStateException();
    }
    out.flush();
    return 0;
  }

  private String workspaceParam(String sep) {
    return workspace == null ? "" : sep + "workspace="
        + java.net.URLEncoder.encode(workspace, java.nio.charset.StandardCharsets.UTF_8);
  }
}
