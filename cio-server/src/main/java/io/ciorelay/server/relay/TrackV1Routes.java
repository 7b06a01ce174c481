package io.ciorelay.server.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ciorelay.client.Limits;
import io.ciorelay.client.Operation;
import io.ciorelay.client.ValidationException;
import io.ciorelay.client.Violation;
import io.ciorelay.delivery.Receipt;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * The Track API v1 routes the relay accepts, at Customer.io's own paths: identify, delete,
 * suppress, unsuppress, events (event, page, screen), anonymous events, devices, merge, and the
 * region lookup. Each maps the request with {@link V1Mapping}, queues it durably, and answers
 * {@code 200 {}} once it is on disk; refusals use the v1 error shape. Endpoints the relay does not
 * forward (segments, forms, metrics, push events, unsubscribe) answer 501. Thread-safe.
 */
final class TrackV1Routes {
  private static final ApiError.Shape V1 = ApiError.Shape.V1;

  private final Ingest ingest;
  private final JsonBodies bodies;
  private final Acceptance acceptance;
  private final RelayConfig config;

  TrackV1Routes(Ingest ingest, JsonBodies bodies, Acceptance acceptance, RelayConfig config) {
    this.ingest = ingest;
    this.bodies = bodies;
    this.acceptance = acceptance;
    this.config = config;
  }

  void register(Javalin app) {
    // Javalin tries a method's routes in the order they were added, each with a regular
    // expression: the busiest route (an event for a person) comes first.
    app.post("/api/v1/customers/{id}/events", ctx -> submit(ctx, () -> List.of(V1Mapping.event(ctx.pathParam("id"), json(ctx)))));
    app.get("/api/v1/accounts/region", this::region);
    app.put("/api/v1/customers/{id}", ctx -> submit(ctx, () -> V1Mapping.identify(ctx.pathParam("id"), json(ctx))));
    app.delete("/api/v1/customers/{id}", ctx -> submit(ctx, () -> List.of(V1Mapping.delete(ctx.pathParam("id")))));
    app.post("/api/v1/customers/{id}/suppress", ctx -> submit(ctx, () -> {
      bodies.read(ctx, V1);
      return List.of(V1Mapping.suppress(ctx.pathParam("id")));
    }));
    app.post("/api/v1/customers/{id}/unsuppress", ctx -> submit(ctx, () -> {
      bodies.read(ctx, V1);
      return List.of(V1Mapping.unsuppress(ctx.pathParam("id")));
    }));
    app.put("/api/v1/customers/{id}/devices", ctx -> submit(ctx, () -> List.of(V1Mapping.addDevice(ctx.pathParam("id"), json(ctx)))));
    app.delete("/api/v1/customers/{id}/devices/{token}",
        ctx -> submit(ctx, () -> List.of(V1Mapping.deleteDevice(ctx.pathParam("id"), ctx.pathParam("token")))));
    app.post("/api/v1/merge_customers", ctx -> submit(ctx, () -> List.of(V1Mapping.merge(json(ctx)))));
    app.post("/api/v1/events", this::anonymous);
    for (String path : List.of("/api/v1/segments/{segment}/add_customers", "/api/v1/segments/{segment}/remove_customers",
        "/api/v1/forms/{form}/submit", "/api/v1/metrics", "/api/v1/push/events")) {
      app.post(path, ctx -> {
        throw ApiError.of(501, V1, "not_implemented", "path",
            ctx.path() + " is not relayed; call Customer.io directly for this endpoint");
      });
    }
  }

  private JsonNode json(Context ctx) {
    return bodies.readJson(ctx, V1);
  }

  interface Mapper {
    List<Operation> map();
  }

  private void submit(Context ctx, Mapper mapper) {
    acceptance.requireAccepting(V1);
    List<Operation> ops;
    try {
      ops = mapper.map();
      if (ops.size() > 1) {
        List<Violation> all = new ArrayList<>();
        ops.forEach(op -> all.addAll(Limits.check(op)));
        if (!all.isEmpty()) {
          throw new ValidationException(all);
        }
      }
    } catch (ValidationException e) {
      throw new ApiError(400, V1, "invalid", e.violations(), null);
    }
    List<Receipt> receipts = new ArrayList<>();
    for (Operation op : ops) {
      Receipt r = ingest.submit(ctx, op);
      receipts.add(r);
      if (r.status() == Receipt.Status.REJECTED) {
        break;
      }
    }
    acceptance.requireAccepted(receipts, V1);
    acceptance.respondWhenDurable(ctx, receipts, V1, () -> Acceptance.Answer.OK);
  }

  private void anonymous(Context ctx) {
    acceptance.requireAccepting(V1);
    V1Mapping.Anonymous a;
    try {
      a = V1Mapping.anonymous(json(ctx));
    } catch (ValidationException e) {
      throw new ApiError(400, V1, "invalid", e.violations(), null);
    }
    Receipt r = ingest.trackAnonymous(ctx, a.anonymousId(), a.event());
    acceptance.requireAccepted(List.of(r), V1);
    acceptance.respondWhenDurable(ctx, List.of(r), V1, () -> Acceptance.Answer.OK);
  }

  /** The region of the workspace the client authenticated as (not the relay's first or global one). */
  private void region(Context ctx) {
    String name = ctx.attribute(Ingest.AUTHENTICATED_WORKSPACE);
    RelayWorkspace ws = config.workspaces().stream().filter(w -> w.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("request reached the region lookup without authentication"));
    ObjectNode n = JsonBodies.MAPPER.createObjectNode();
    n.put("url", ws.baseUrl().toString());
    n.put("region", ws.region().name().toLowerCase(java.util.Locale.ROOT));
    n.put("environment_id", ws.siteId());
    ctx.contentType("application/json").result(JsonBodies.write(n));
  }

  static void ok(Context ctx) {
    ctx.status(200).contentType("application/json").result("{}");
  }
}
