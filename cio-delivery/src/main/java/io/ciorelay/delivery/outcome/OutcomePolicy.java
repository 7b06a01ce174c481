package io.ciorelay.delivery.outcome;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.client.ApiResponse;
import io.ciorelay.client.CioTransportException;
import io.ciorelay.client.RetryAfter;
import io.ciorelay.client.ValidationException;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The one place that decides what Customer.io's answer to a request means: a pure function from
 * the request's facts and its response (or failure) to an {@link Action}. No I/O, no clock of its
 * own (a {@code Retry-After} date is measured against the {@code now} given). Thread-safe.
 *
 * <p>The same table serves the Data Pipelines API ({@link Request.Kind#PIPELINES_BATCH}, always sent
 * with {@code X-Strict-Mode: 1}): 200 accepts the request; its 400 {@code {"meta":{"errors":[..]}}}
 * names no call, so several operations are split and a lone one dead-lettered with the reason;
 * 401/403 pause on the write key; 429 pauses; 5xx retries; 3xx/404 pause on the endpoint.
 *
 * <p>The table:
 * <ul>
 *   <li>2xx with an empty body or a JSON object without {@code errors} (Customer.io's {@code {}}):
 *       {@link Action.Acknowledge}.</li>
 *   <li>2xx (207, or 200) with a non-empty {@code errors} array whose entries all name a
 *       {@code batch_index} inside the request: {@link Action.Partial}. An error without a usable
 *       {@code batch_index} cannot be matched to an operation, so nothing is acknowledged silently:
 *       {@link Action.Split} for several operations, {@link Action.DeadLetter} for one.</li>
 *   <li>2xx whose body is not JSON, or JSON that is not Customer.io's shape (HTML from a proxy, a
 *       JSON array): {@link Action.PauseEndpoint}.</li>
 *   <li>3xx, 404, 405, 413, 501, 505, 511, and statuses outside 200..599: {@link Action.PauseEndpoint}.</li>
 *   <li>401, 403: {@link Action.PauseCredentials}. 429: {@link Action.PauseRateLimit} with its {@code Retry-After}.</li>
 *   <li>408 and other 5xx: {@link Action.RetryAfter} (a breaker failure), with the {@code Retry-After} as hint.</li>
 *   <li>Other 4xx with a Customer.io error body ({@code {"errors":[..]}} or {@code {"meta":{"error"|"errors":..}}}):
 *       {@link Action.Split} for several operations, {@link Action.DeadLetter} for one. Without
 *       such a body (an HTML error page): {@link Action.PauseEndpoint}.</li>
 *   <li>A request that could not be built because an operation breaks the API's limits (a
 *       {@link ValidationException} as the failure): {@link Action.Split} for several operations,
 *       {@link Action.DeadLetter} for one, status 0.</li>
 *   <li>No answer (connection refused or reset, timeout, cancelled): {@link Action.RetryAfter},
 *       a breaker failure; a failure that is not I/O (a closed client) is retried without counting
 *       against the breaker.</li>
 * </ul>
 */
public final class OutcomePolicy {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY_IN_REASON = 200;

  private OutcomePolicy() {}

  /**
   * Decides what an HTTP answer means.
   *
   * @param now the time a {@code Retry-After} HTTP-date is measured against
   * @throws NullPointerException if an argument is null
   */
  public static Action decide(Request request, ApiResponse response, Instant now) {
    int status = response.status();
    Parsed body = Parsed.of(response.body());
    if (status >= 200 && status < 300) {
      return success(request, status, body);
    }
    Optional<Duration> retryAfter = response.header("Retry-After")
        .flatMap(v -> RetryAfter.parse(v, Clock.fixed(now, ZoneOffset.UTC)));
    if (status == 429) {
      return new Action.PauseRateLimit(retryAfter, answered(request, status, body));
    }
    if (status == 401 || status == 403) {
      boolean pipelines = request.kind() == Request.Kind.PIPELINES_BATCH;
      return new Action.PauseCredentials(status, answered(request, status, body)
          + (status == 401 ? pipelines ? " (check the Pipelines write key)" : " (check the site id and API key)"
              : pipelines ? " (the write key lacks access)" : " (the API key lacks access)"));
    }
    if (status == 408 || (status >= 500 && status <= 599 && status != 501 && status != 505 && status != 511)) {
      return new Action.RetryAfter(status, retryAfter, true, false, answered(request, status, body));
    }
    if (status >= 300 && status < 400) {
      String location = response.header("Location").map(l -> " to " + l).orElse("");
      return new Action.PauseEndpoint(status, "redirect" + location + " from " + request.describe()
          + " (HTTP " + status + "; redirects are not followed): the endpoint URL is wrong");
    }
    if (status == 404 || status == 405 || status == 413 || status == 501 || status == 505 || status == 511
        || status < 200 || status > 599) {
      return new Action.PauseEndpoint(status, answered(request, status, body) + ": " + endpointHint(status));
    }
    // Remaining 4xx: Customer.io refusing what was sent, if the body is Customer.io's.
    List<String> messages = body.errorMessages();
    if (messages == null) {
      return new Action.PauseEndpoint(status, answered(request, status, body)
          + ": the answer is not Customer.io's (no Customer.io error body)");
    }
    String reason = "HTTP " + status + ": " + (messages.isEmpty() ? "refused by Customer.io" : String.join("; ", messages));
    return request.operations() > 1 ? new Action.Split(status, reason) : new Action.DeadLetter(status, reason);
  }

  /** Decides what a request that got no (complete) answer means. */
  public static Action decide(Request request, Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof ValidationException v) {
      // The request could not be built: an operation breaks the API's limits (stored before they
      // applied, e.g. under another API). Customer.io would refuse it, so isolate and dead-letter it.
      String reason = "not sent: " + v.getMessage();
      return request.operations() > 1 ? new Action.Split(0, reason) : new Action.DeadLetter(0, reason);
    }
    boolean timeout = t instanceof HttpTimeoutException || t instanceof TimeoutException
        || (t instanceof CioTransportException te && te.timeout());
    boolean io = timeout || t instanceof IOException || t instanceof CioTransportException
        || t instanceof CancellationException;
    String detail = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    String reason = t instanceof CioTransportException ? detail
        : request.describe() + (timeout ? " timed out" : " failed") + " (" + detail + ")";
    return new Action.RetryAfter(0, Optional.empty(), io, timeout, reason);
  }

  private static Action success(Request request, int status, Parsed body) {
    if (body.empty) {
      return new Action.Acknowledge(status);
    }
    if (body.json == null || !body.json.isObject()) {
      return new Action.PauseEndpoint(status, answered(request, status, body)
          + ": a success whose body is not Customer.io's JSON; nothing is acknowledged");
    }
    JsonNode errors = body.json.get("errors");
    if (errors == null || errors.isNull() || (errors.isArray() && errors.isEmpty())) {
      return new Action.Acknowledge(status);
    }
    if (!errors.isArray()) {
      return new Action.PauseEndpoint(status, answered(request, status, body)
          + ": \"errors\" is not an array; nothing is acknowledged");
    }
    int n = request.operations();
    TreeMap<Integer, String> refused = new TreeMap<>();
    List<String> unplaced = new ArrayList<>();
    for (JsonNode e : errors) {
      String text = describe(e);
      JsonNode idx = e.isObject() ? e.get("batch_index") : null;
      int i = idx != null && idx.isIntegralNumber() && idx.canConvertToInt() ? idx.intValue() : -1;
      if (request.kind() != Request.Kind.V2_BATCH && n == 1 && i <= 0) {
        i = 0; // one operation: an error can only be about it
      }
      if (i < 0 || i >= n) {
        unplaced.add(text + (idx == null ? " (no batch_index)" : " (batch_index " + idx + " is outside 0.." + (n - 1) + ")"));
      } else {
        refused.merge(i, text, (a, b) -> a + "; " + b);
      }
    }
    if (!unplaced.isEmpty()) {
      String reason = "HTTP " + status + " reported errors that name no operation of the request: "
          + String.join("; ", unplaced);
      return n > 1 ? new Action.Split(status, reason) : new Action.DeadLetter(status, reason);
    }
    List<Integer> acked = new ArrayList<>();
    List<Action.Refusal> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String r = refused.get(i);
      if (r == null) {
        acked.add(i);
      } else {
        out.add(new Action.Refusal(i, "HTTP " + status + ": " + r));
      }
    }
    return new Action.Partial(status, acked, out);
  }

  private static String endpointHint(int status) {
    return switch (status) {
      case 404 -> "no such endpoint; check the Customer.io base URL";
      case 405 -> "the endpoint does not take this method; check the Customer.io base URL";
      case 413 -> "the endpoint refuses a request Customer.io accepts; check the base URL or a proxy's body limit";
      case 501, 505 -> "the endpoint does not speak this API; check the Customer.io base URL";
      case 511 -> "a network in between asks for authentication (captive portal or proxy)";
      default -> "not a status Customer.io sends";
    };
  }

  private static String answered(Request request, int status, Parsed body) {
    String detail = body.summary();
    return "HTTP " + status + " from " + request.describe() + (detail.isEmpty() ? "" : ": " + detail);
  }

  /** Customer.io's text for one v2 error: reason, field and message. */
  private static String describe(JsonNode e) {
    if (!e.isObject()) {
      return e.toString();
    }
    StringBuilder sb = new StringBuilder();
    String reason = text(e, "reason");
    String field = text(e, "field");
    String message = text(e, "message");
    if (!reason.isEmpty()) {
      sb.append(reason);
    }
    if (!field.isEmpty()) {
      sb.append(sb.length() > 0 ? " " : "").append("field '").append(field).append('\'');
    }
    if (!message.isEmpty()) {
      sb.append(sb.length() > 0 ? ": " : "").append(message);
    }
    return sb.length() == 0 ? "refused by Customer.io" : sb.toString();
  }

  private static String text(JsonNode o, String name) {
    JsonNode n = o.get(name);
    return n == null || n.isNull() ? "" : n.isValueNode() ? n.asText() : n.toString();
  }

  /** A response body read once: empty, JSON, or neither. */
  private static final class Parsed {
    final boolean empty;
    final JsonNode json;
    final String raw;

    private Parsed(boolean empty, JsonNode json, String raw) {
      this.empty = empty;
      this.json = json;
      this.raw = raw;
    }

    static Parsed of(byte[] body) {
      String raw = new String(body, StandardCharsets.UTF_8).strip();
      if (raw.isEmpty()) {
        return new Parsed(true, null, raw);
      }
      try {
        return new Parsed(false, JSON.readTree(raw), raw);
      } catch (JsonProcessingException e) {
        return new Parsed(false, null, raw);
      }
    }

    /**
     * Customer.io's error messages ({@code errors[]} of v2, {@code meta.error} / {@code meta.errors}
     * of v1), or null when the body is not a Customer.io error body.
     */
    List<String> errorMessages() {
      if (json == null || !json.isObject()) {
        return null;
      }
      List<String> out = new ArrayList<>();
      boolean shaped = false;
      JsonNode errors = json.get("errors");
      if (errors != null && errors.isArray()) {
        shaped = true;
        errors.forEach(e -> out.add(describe(e)));
      }
      JsonNode meta = json.get("meta");
      if (meta != null && meta.isObject()) {
        JsonNode one = meta.get("error");
        if (one != null && one.isValueNode()) {
          shaped = true;
          out.add(one.asText());
        }
        JsonNode many = meta.get("errors");
        if (many != null && many.isArray()) {
          shaped = true;
          many.forEach(m -> out.add(m.isValueNode() ? m.asText() : m.toString()));
        } else if (many != null && many.isValueNode()) {
          shaped = true;
          out.add(many.asText());
        }
      }
      return shaped ? out : null;
    }

    String summary() {
      if (empty) {
        return "";
      }
      List<String> messages = errorMessages();
      if (messages != null && !messages.isEmpty()) {
        return String.join("; ", messages);
      }
      String text = raw.replaceAll("\\s+", " ");
      return text.length() > MAX_BODY_IN_REASON ? text.substring(0, MAX_BODY_IN_REASON) + "..." : text;
    }
  }
}
