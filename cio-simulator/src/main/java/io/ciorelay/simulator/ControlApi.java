package io.ciorelay.simulator;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The unauthenticated control endpoint under {@code /__control}, answered only to loopback
 * clients (others get 403). Routes:
 *
 * <ul>
 *   <li>{@code GET /__control/stats} — {@link SimulatorStats} as JSON.
 *   <li>{@code GET /__control/records?person=&action=&name=&offset=0&limit=1000} — accepted
 *       operations in arrival order: {@code {"total":n,"records":[{...}]}}.
 *   <li>{@code POST /__control/reset} — clears records, stats and faults.
 *   <li>{@code GET /__control/faults} — the faults in force.
 *   <li>{@code POST /__control/faults} — applies the fields present in
 *       {@code {"outage":{"mode":"unavailable"|"reset"|"hang"|"stall-body"|"lost-ack"|"not-found"|
 *       "redirect"|"unauthorized"|"rate-limited"|"rate-limited-no-retry-after","seconds":5}|false, "errorRate":0.1,
 *       "errorStatus":503, "latencyMs":50, "stallMs":30000, "holdMs":60000, "script":[{"status":503,
 *       "body":"{}","headers":{"Retry-After":"2"}}], "rateLimit":100, "retryAfter":true}}
 *       (an outage without seconds lasts until ended; {@code "outage":false} ends it).
 *   <li>{@code DELETE /__control/faults} — removes every fault.
 * </ul>
 *
 * Thread-safe: stateless, delegating to the thread-safe simulator parts.
 */
final class ControlApi {
  private final Faults faults;
  private final Records records;
  private final Runnable reset;
  private final java.util.function.Supplier<SimulatorStats> stats;

  ControlApi(Faults faults, Records records, Runnable reset, java.util.function.Supplier<SimulatorStats> stats) {
    this.faults = faults;
    this.records = records;
    this.reset = reset;
    this.stats = stats;
  }

  void register(Javalin app) {
    app.get("/__control/stats", local(this::stats));
    app.get("/__control/records", local(this::records));
    app.post("/__control/reset", local(ctx -> {
      reset.run();
      json(ctx, 200, g -> {
        g.writeStartObject();
        g.writeEndObject();
      });
    }));
    app.get("/__control/faults", local(this::showFaults));
    app.post("/__control/faults", local(this::applyFaults));
    app.delete("/__control/faults", local(ctx -> {
      faults.clear();
      showFaults(ctx);
    }));
  }

  private static Handler local(Handler h) {
    return ctx -> {
      if (!isLoopback(ctx.req().getRemoteAddr())) {
        json(ctx, 403, g -> {
          g.writeStartObject();
          g.writeStringField("error", "control endpoint is loopback-only");
          g.writeEndObject();
        });
        return;
      }
      h.handle(ctx);
    };
  }

  static boolean isLoopback(String address) {
    try {
      return address != null && InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private void stats(Context ctx) {
    SimulatorStats s = stats.get();
    json(ctx, 200, g -> {
      g.writeStartObject();
      g.writeNumberField("totalRequests", s.totalRequests());
      g.writeObjectFieldStart("requestsByStatus");
      for (Map.Entry<Integer, Long> e : new java.util.TreeMap<>(s.requestsByStatus()).entrySet()) {
        g.writeNumberField(e.getKey().toString(), e.getValue());
      }
      g.writeEndObject();
      g.writeNumberField("connectionsDropped", s.connectionsDropped());
      g.writeNumberField("peakRequestsPerSecond", s.peakRequestsPerSecond());
      g.writeNumberField("peakAdmittedPerSecond", s.peakAdmittedPerSecond());
      g.writeNumberField("requestsWithRetryHeader", s.requestsWithRetryHeader());
      g.writeObjectFieldStart("retryCounts");
      for (Map.Entry<Integer, Long> e : new java.util.TreeMap<>(s.retryCounts()).entrySet()) {
        g.writeNumberField(e.getKey().toString(), e.getValue());
      }
      g.writeEndObject();
      g.writeNumberField("acceptedOperations", s.acceptedOperations());
      g.writeNumberField("rejectedOperations", s.rejectedOperations());
      g.writeNumberField("duplicateEvents", s.duplicateEvents());
      g.writeEndObject();
    });
  }

  private void records(Context ctx) {
    Predicate<RecordedOperation> filter = o -> true;
    String person = ctx.queryParam("person");
    if (person != null) {
      filter = filter.and(o -> person.equals(o.identifierValue())
          || (o.secondary() != null && person.equals(o.secondary().value())));
    }
    String action = ctx.queryParam("action");
    if (action != null) {
      filter = filter.and(o -> o.action().wireName().equals(action));
    }
    String name = ctx.queryParam("name");
    if (name != null) {
      filter = filter.and(o -> name.equals(o.name()));
    }
    int offset;
    int limit;
    try {
      offset = Math.max(0, Integer.parseInt(ctx.queryParamAsClass("offset", String.class).getOrDefault("0")));
      limit = Math.max(0, Integer.parseInt(ctx.queryParamAsClass("limit", String.class).getOrDefault("1000")));
    } catch (NumberFormatException e) {
      badRequest(ctx, "offset and limit must be integers");
      return;
    }
    List<RecordedOperation> matching = records.where(filter);
    List<RecordedOperation> page = matching.subList(Math.min(offset, matching.size()),
        (int) Math.min((long) offset + limit, matching.size()));
    json(ctx, 200, g -> {
      g.writeStartObject();
      g.writeNumberField("total", matching.size());
      g.writeArrayFieldStart("records");
      for (RecordedOperation o : page) {
        writeOperation(g, o);
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  static void writeOperation(JsonGenerator g, RecordedOperation o) throws IOException {
    g.writeStartObject();
    g.writeNumberField("sequence", o.sequence());
    g.writeNumberField("arrivalEpochMillis", o.arrivalEpochMillis());
    g.writeStringField("api", o.v2() ? "v2" : "v1");
    g.writeStringField("type", o.type().wireName());
    g.writeStringField("action", o.action().wireName());
    if (o.identifier() != null) {
      g.writeObjectFieldStart("identifier");
      g.writeStringField(o.identifier().type(), o.identifier().value());
      g.writeEndObject();
    }
    if (o.secondary() != null) {
      g.writeObjectFieldStart("secondary");
      g.writeStringField(o.secondary().type(), o.secondary().value());
      g.writeEndObject();
    }
    if (o.name() != null) {
      g.writeStringField("name", o.name());
    }
    if (o.eventId() != null) {
      g.writeStringField("id", o.eventId());
    }
    if (o.deviceToken() != null) {
      g.writeStringField("deviceToken", o.deviceToken());
    }
    if (o.timestamp() != 0) {
      g.writeNumberField("timestamp", o.timestamp());
    }
    if (o.retryCount() != 0) {
      g.writeNumberField("retryCount", o.retryCount());
    }
    if (o.attributesJson() != null) {
      g.writeFieldName("attributes");
      g.writeRawValue(o.attributesJson());
    }
    g.writeEndObject();
  }

  private void showFaults(Context ctx) {
    Faults.State s = faults.state();
    json(ctx, 200, g -> {
      g.writeStartObject();
      g.writeBooleanField("outageActive", faults.outageActive());
      if (faults.outageActive()) {
        g.writeStringField("outageMode", s.outageMode().wireName());
      }
      g.writeNumberField("errorRate", s.errorRate());
      g.writeNumberField("errorStatus", s.errorStatus());
      g.writeNumberField("latencyMs", s.latencyNanos() / 1_000_000);
      g.writeNumberField("stallMs", s.stallNanos() / 1_000_000);
      g.writeNumberField("holdMs", faults.heldRequestHold().toMillis());
      g.writeNumberField("scripted", faults.pendingScripted());
      g.writeNumberField("rateLimit", s.rateLimit());
      g.writeBooleanField("retryAfter", s.retryAfter());
      g.writeEndObject();
    });
  }

  private void applyFaults(Context ctx) {
    JsonNode body;
    try {
      body = Responses.MAPPER.readTree(ctx.bodyAsBytes());
    } catch (JacksonException e) {
      badRequest(ctx, "body is not valid JSON: " + e.getOriginalMessage());
      return;
    } catch (IOException e) {
      badRequest(ctx, "body could not be read");
      return;
    }
    if (body == null || !body.isObject()) {
      badRequest(ctx, "body must be a JSON object");
      return;
    }
    try {
      for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!List.of("outage", "errorRate", "errorStatus", "latencyMs", "stallMs", "holdMs", "script", "rateLimit",
            "retryAfter").contains(f)) {
          throw new IllegalArgumentException("unknown field '" + f + "'");
        }
      }
      JsonNode outage = body.get("outage");
      if (outage != null) {
        if (outage.isNull() || (outage.isBoolean() && !outage.booleanValue())) {
          faults.endOutage();
        } else if (outage.isObject()) {
          OutageMode m = OutageMode.fromWireName(outage.path("mode").asText("unavailable"));
          if (outage.has("seconds")) {
            faults.outage(Duration.ofMillis((long) (number(outage.get("seconds"), "outage.seconds") * 1000)), m);
          } else {
            faults.outage(m);
          }
        } else {
          throw new IllegalArgumentException("outage must be an object or false");
        }
      }
      if (body.has("errorRate") || body.has("errorStatus")) {
        double rate = body.has("errorRate") ? number(body.get("errorRate"), "errorRate") : faults.state().errorRate();
        int status = body.has("errorStatus") ? (int) number(body.get("errorStatus"), "errorStatus")
            : faults.state().errorStatus();
        faults.errorRate(rate, status);
      }
      if (body.has("latencyMs")) {
        faults.latency(Duration.ofMillis((long) number(body.get("latencyMs"), "latencyMs")));
      }
      if (body.has("stallMs")) {
        faults.stall(Duration.ofMillis((long) number(body.get("stallMs"), "stallMs")));
      }
      if (body.has("holdMs")) {
        faults.holdHeldRequests(Duration.ofMillis((long) number(body.get("holdMs"), "holdMs")));
      }
      if (body.has("rateLimit")) {
        faults.rateLimit((int) number(body.get("rateLimit"), "rateLimit"));
      }
      if (body.has("retryAfter")) {
        if (!body.get("retryAfter").isBoolean()) {
          throw new IllegalArgumentException("retryAfter must be a boolean");
        }
        faults.retryAfter(body.get("retryAfter").booleanValue());
      }
      JsonNode script = body.get("script");
      if (script != null) {
        if (!script.isArray()) {
          throw new IllegalArgumentException("script must be an array");
        }
        List<ScriptedResponse> responses = new ArrayList<>();
        for (JsonNode r : script) {
          ScriptedResponse sr = ScriptedResponse.of((int) number(r.get("status"), "script[].status"));
          if (r.has("body")) {
            JsonNode b = r.get("body");
            sr = sr.withBody(b.isTextual() ? b.textValue() : b.toString());
          }
          for (Iterator<Map.Entry<String, JsonNode>> it = r.path("headers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> h = it.next();
            sr = sr.withHeader(h.getKey(), h.getValue().asText());
          }
          responses.add(sr);
        }
        faults.enqueue(responses);
      }
    } catch (IllegalArgumentException e) {
      badRequest(ctx, e.getMessage());
      return;
    }
    showFaults(ctx);
  }

  private static double number(JsonNode node, String field) {
    if (node == null || !node.isNumber()) {
      throw new IllegalArgumentException(field + " must be a number");
    }
    return node.doubleValue();
  }

  private static void badRequest(Context ctx, String message) {
    json(ctx, 400, g -> {
      g.writeStartObject();
      g.writeStringField("error", message);
      g.writeEndObject();
    });
  }

  private static void json(Context ctx, int status, Responses.Writer w) {
    ctx.status(status).contentType("application/json").result(Responses.write(w));
  }
}
