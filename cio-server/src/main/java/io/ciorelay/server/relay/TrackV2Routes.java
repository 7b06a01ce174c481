package io.ciorelay.server.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ciorelay.client.Operation;
import io.ciorelay.client.ValidationException;
import io.ciorelay.client.Violation;
import io.ciorelay.delivery.Receipt;
import io.ciorelay.delivery.Rejection;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * The Track API v2 routes: {@code POST /api/v2/entity} (one person operation) and
 * {@code POST /api/v2/batch} ({@code {"batch":[...]}}). In a batch, valid operations are accepted
 * and invalid ones reported as Customer.io does, with a {@code 207} and
 * {@code {"errors":[{"batch_index","reason","field","message"}]}}. Thread-safe.
 */
final class TrackV2Routes {
  private static final ApiError.Shape V2 = ApiError.Shape.V2;

  private final Ingest ingest;
  private final JsonBodies bodies;
  private final Acceptance acceptance;

  TrackV2Routes(Ingest ingest, JsonBodies bodies, Acceptance acceptance) {
    this.ingest = ingest;
    this.bodies = bodies;
    this.acceptance = acceptance;
  }

  void register(Javalin app) {
    app.post("/api/v2/entity", this::entity);
    app.post("/api/v2/batch", this::batch);
  }

  private void entity(Context ctx) {
    acceptance.requireAccepting(V2);
    JsonNode n = bodies.readJson(ctx, V2);
    Operation op;
    try {
      op = parse(n);
    } catch (ValidationException e) {
      throw new ApiError(400, V2, "invalid", e.violations(), null);
    }
    Receipt r = ingest.submit(ctx, op);
    acceptance.requireAccepted(List.of(r), V2);
    acceptance.respondWhenDurable(ctx, List.of(r), V2, () -> TrackV1Routes.ok(ctx));
  }

  private void batch(Context ctx) {
    acceptance.requireAccepting(V2);
    // Not readJson: an operation with an out-of-range number is refused alone, by its batch_index.
    JsonNode root = bodies.parse(bodies.read(ctx, V2), V2);
    JsonNode batch = root.get("batch");
    if (!root.isObject() || batch == null || !batch.isArray()) {
      throw ApiError.of(400, V2, "invalid", "batch", "body must be an object with a 'batch' array");
    }
    if (batch.isEmpty()) {
      throw ApiError.of(400, V2, "invalid", "batch", "batch must contain at least one operation");
    }
    ArrayNode errors = JsonBodies.MAPPER.createArrayNode();
    List<Receipt> accepted = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Operation op;
      try {
        op = parse(batch.get(i));
      } catch (ValidationException e) {
        addErrors(errors, i, e.violations());
        continue;
      }
      Receipt r = ingest.submit(ctx, op);
      if (r.status() == Receipt.Status.REJECTED) {
        Rejection rej = r.rejection();
        if (rej.reason() != Rejection.Reason.INVALID) {
          // Operations before this one may be queued; a retry re-sends them with their event ids.
          throw acceptance.refusal(rej, V2);
        }
        addErrors(errors, i, rej.violations().isEmpty() ? List.of(new Violation("", rej.message(), -1, -1))
            : rej.violations());
      } else {
        accepted.add(r);
      }
    }
    acceptance.respondWhenDurable(ctx, accepted, V2, () -> {
      if (errors.isEmpty()) {
        TrackV1Routes.ok(ctx);
      } else {
        ObjectNode body = JsonBodies.MAPPER.createObjectNode();
        body.set("errors", errors);
        ctx.status(207).contentType("application/json").result(JsonBodies.write(body));
      }
    });
  }

  private static void addErrors(ArrayNode errors, int index, List<Violation> violations) {
    for (Violation v : violations) {
      ObjectNode e = errors.addObject();
      e.put("batch_index", index);
      e.put("reason", "invalid");
      e.put("field", v.field());
      e.put("message", ApiError.text(v));
    }
  }

  private static Operation parse(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new ValidationException(new Violation("operation", "operation must be a JSON object", -1, -1));
    }
    try {
      JsonBodies.requireFinite(n, "operation", V2);
    } catch (ApiError e) {
      throw new ValidationException(e.violations);
    }
    try {
      return Operation.fromJson(JsonBodies.MAPPER.writeValueAsBytes(n));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ValidationException(new Violation("operation", "operation cannot be encoded", -1, -1));
    }
  }
}
