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
 * {@code {"errors":[{"batch_index","reason","field","message"}],"errors_total":n}} — at most
 * {@value #MAX_LISTED_ERRORS} errors are listed, the rest counted in {@code errors_total}. The batch
 * body is scanned without building a tree and refused if it holds too many operations before any
 * operation is looked at ({@link JsonBodies#scanBatch}). Thread-safe.
 */
final class TrackV2Routes {
  private static final ApiError.Shape V2 = ApiError.Shape.V2;
  /** An answer lists at most this many errors (and counts the rest). */
  static final int MAX_LISTED_ERRORS = 100;

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
    acceptance.respondWhenDurable(ctx, List.of(r), V2, () -> Acceptance.Answer.OK);
  }

  private void batch(Context ctx) {
    acceptance.requireAccepting(V2);
    JsonBodies.Batch batch = bodies.scanBatch(bodies.read(ctx, V2), V2);
    BatchErrors errors = new BatchErrors(MAX_LISTED_ERRORS);
    List<Receipt> accepted = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Operation op;
      try {
        op = parse(batch.element(i));
      } catch (ValidationException e) {
        errors.add(i, e.violations());
        continue;
      }
      Receipt r = ingest.submit(ctx, op);
      if (r.status() == Receipt.Status.REJECTED) {
        Rejection rej = r.rejection();
        if (rej.reason() != Rejection.Reason.INVALID) {
          // Operations before this one may be queued; a retry re-sends them with their event ids.
          throw acceptance.refusal(rej, V2);
        }
        errors.add(i, rej.violations().isEmpty() ? List.of(new Violation("", rej.message(), -1, -1))
            : rej.violations());
      } else {
        accepted.add(r);
      }
    }
    acceptance.respondWhenDurable(ctx, accepted, V2, () -> errors.total() == 0 ? Acceptance.Answer.OK
        : new Acceptance.Answer(207, JsonBodies.write(errors.toJson()), java.util.Map.of()));
  }

  /**
   * The errors of a batch answer: the first {@code max} are listed, the rest only counted, so an
   * answer stays small however many operations are invalid. Not thread-safe.
   */
  static final class BatchErrors {
    private final int max;
    private final ArrayNode listed = JsonBodies.MAPPER.createArrayNode();
    private long total;

    BatchErrors(int max) {
      this.max = max;
    }

    void add(int index, List<Violation> violations) {
      for (Violation v : violations) {
        total++;
        if (listed.size() < max) {
          ObjectNode e = listed.addObject();
          e.put("batch_index", index);
          e.put("reason", "invalid");
          e.put("field", v.field());
          e.put("message", ApiError.text(v));
        }
      }
    }

    long total() {
      return total;
    }

    /** {@code {"errors":[first max], "errors_total": n}}, plus {@code "errors_truncated": true} when some are not listed. */
    ObjectNode toJson() {
      ObjectNode body = JsonBodies.MAPPER.createObjectNode();
      body.set("errors", listed);
      body.put("errors_total", total);
      if (total > listed.size()) {
        body.put("errors_truncated", true);
      }
      return body;
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
    // The tree as parsed: writing it out and reading it again gave the same operation at twice the cost.
    return Operation.fromJsonTree(n);
  }
}
