package io.ciorelay.server.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.ciorelay.client.ValidationException;
import io.ciorelay.client.Violation;
import io.ciorelay.delivery.Receipt;
import io.ciorelay.server.pipelines.MessageIdGuard;
import io.ciorelay.server.pipelines.PipelinesMapping;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The Customer.io Data Pipelines (Segment-spec) routes: {@code POST /v1/batch} and
 * {@code /v1/import} ({@code {"batch":[call, …]}}, a trailing slash allowed), and one call at
 * {@code /v1/identify}, {@code /v1/track}, {@code /v1/page}, {@code /v1/screen}, {@code /v1/group},
 * {@code /v1/alias}. Calls are mapped by {@link PipelinesMapping} and stored like Track calls.
 *
 * <p>Auth: HTTP Basic with the workspace's write key as user and an empty password, or
 * {@code writeKey} in the body. Bodies may be gzip-compressed ({@code Content-Encoding: gzip}).
 * Limits (decompressed): {@value #MAX_CALL_BYTES} bytes per call, {@value #MAX_BATCH_BYTES} bytes
 * per batch request. A request is taken whole or not at all: one call that cannot be mapped, or
 * over a limit, refuses the request with 400 naming each such call ({@code batch[i].field}), and
 * nothing of it is stored. Customer.io answers such requests 200 and drops them unless
 * {@code X-Strict-Mode: 1} is sent; the relay always refuses with the reason. 200 {@code {}} once
 * every call is committed; 503 with {@code Retry-After} when the outbox is full or the relay is
 * stopping. A call whose messageId was committed recently is not stored again
 * ({@link MessageIdGuard}). Errors use the shape {@code {"meta":{"errors":["field: message"]}}}.
 * Thread-safe.
 */
final class PipelinesRoutes {
  /** The Pipelines limit per call: 32 KB. */
  static final int MAX_CALL_BYTES = 32 * 1024;
  /** The Pipelines limit per batch request: 500 KB. */
  static final int MAX_BATCH_BYTES = 500 * 1024;
  private static final ApiError.Shape SHAPE = ApiError.Shape.V1;

  private final Ingest ingest;
  private final JsonBodies bodies;
  private final Acceptance acceptance;
  private final List<Map.Entry<AuthCheck, String>> writeKeys;
  private final Map<String, String> keyToWorkspace;
  private final MessageIdGuard guard;
  private final io.micrometer.core.instrument.MeterRegistry registry;

  /** Calls not stored again because their messageId was committed recently, tagged {@code workspace}. */
  static final String REPEATS = "relay.pipelines.repeats";

  PipelinesRoutes(Ingest ingest, JsonBodies bodies, Acceptance acceptance, Map<String, String> writeKeysByWorkspace,
      MessageIdGuard guard, io.micrometer.core.instrument.MeterRegistry registry) {
    this.registry = registry;
    this.ingest = ingest;
    this.bodies = bodies;
    this.acceptance = acceptance;
    this.guard = guard;
    this.writeKeys = new ArrayList<>();
    this.keyToWorkspace = new java.util.HashMap<>();
    writeKeysByWorkspace.forEach((ws, key) -> {
      writeKeys.add(Map.entry(AuthCheck.basic(key, ""), ws));
      keyToWorkspace.put(key, ws);
    });
  }

  void register(Javalin app) {
    // Javalin ignores a trailing slash, so these also serve /v1/import/ (analytics-java's path).
    app.post("/v1/batch", this::batch);
    app.post("/v1/import", this::batch);
    for (String type : PipelinesMapping.TYPES) {
      app.post("/v1/" + type, ctx -> single(ctx, type));
    }
  }

  private void batch(Context ctx) {
    acceptance.requireAccepting(SHAPE);
    byte[] body = decoded(ctx, MAX_BATCH_BYTES, "a batch request");
    JsonNode root = bodies.parse(body, SHAPE);
    String workspace = authenticate(ctx, root);
    JsonNode batch = root.get("batch");
    if (!root.isObject() || batch == null || !batch.isArray()) {
      throw ApiError.of(400, SHAPE, "invalid", "batch", "body must be an object with a 'batch' array of calls");
    }
    if (batch.isEmpty()) {
      throw ApiError.of(400, SHAPE, "invalid", "batch", "batch must contain at least one call");
    }
    List<JsonNode> calls = new ArrayList<>();
    batch.forEach(calls::add);
    store(ctx, workspace, calls, null, root.get("context"), "batch[");
  }

  private void single(Context ctx, String type) {
    acceptance.requireAccepting(SHAPE);
    byte[] body = decoded(ctx, MAX_CALL_BYTES, "a " + type + " call");
    JsonNode root = bodies.parse(body, SHAPE);
    String workspace = authenticate(ctx, root);
    store(ctx, workspace, List.of(root), type, null, null);
  }

  private void store(Context ctx, String workspace, List<JsonNode> calls, String type, JsonNode batchContext,
      String prefix) {
    List<Violation> problems = new ArrayList<>();
    List<PipelinesMapping.Mapped> mapped = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      String p = prefix == null ? "" : prefix + i + "].";
      JsonNode call = calls.get(i);
      int size = prefix == null ? -1 : JsonBodies.write(call).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (size > MAX_CALL_BYTES) {
        problems.add(new Violation(p + "call", "call is " + size + " bytes; the Pipelines limit is " + MAX_CALL_BYTES
            + " bytes per call", MAX_CALL_BYTES, size));
        continue;
      }
      try {
        mapped.add(PipelinesMapping.map(call, type, batchContext));
      } catch (ValidationException e) {
        e.violations().forEach(v -> problems.add(v.prefixed(p)));
      }
    }
    if (!problems.isEmpty()) {
      throw new ApiError(400, SHAPE, "invalid", problems, null);
    }
    List<Receipt> receipts = new ArrayList<>();
    List<String> messageIds = new ArrayList<>();
    for (PipelinesMapping.Mapped m : mapped) {
      if (guard.seen(workspace, m.messageId())) {
        registry.counter(REPEATS, "workspace", workspace).increment();
        continue;
      }
      Receipt r = m.operation() != null ? ingest.submit(ctx, m.operation())
          : ingest.trackAnonymous(ctx, m.anonymousId(), m.event());
      if (r.status() == Receipt.Status.REJECTED) {
        // Calls before this one may be queued; a retry re-sends them, and the ones the messageId
        // guard has not seen yet keep their event ids.
        throw acceptance.refusal(r.rejection(), SHAPE);
      }
      receipts.add(r);
      messageIds.add(m.messageId());
    }
    acceptance.respondWhenDurable(ctx, receipts, SHAPE, () -> {
      messageIds.forEach(id -> guard.committed(workspace, id));
      return Acceptance.Answer.OK;
    });
  }

  /** The workspace whose write key the request carries (Basic user, or {@code writeKey} in the body). */
  private String authenticate(Context ctx, JsonNode root) {
    if (writeKeys.isEmpty()) {
      throw ApiError.of(401, SHAPE, "unauthorized", "Authorization", "this relay has no Data Pipelines write key;"
          + " set " + RelayConfigLoader.ENV_PIPELINES_WRITE_KEY + " (or CIO_WORKSPACE_<NAME>_PIPELINES_WRITE_KEY)");
    }
    String header = ctx.header("Authorization");
    String matched = null;
    for (Map.Entry<AuthCheck, String> e : writeKeys) {
      if (e.getKey().basicMatches(header)) {
        matched = e.getValue();
      }
    }
    JsonNode wk = root.isObject() ? root.get("writeKey") : null;
    if (matched == null && wk != null && wk.isTextual()) {
      for (Map.Entry<String, String> e : keyToWorkspace.entrySet()) {
        if (java.security.MessageDigest.isEqual(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8),
            wk.textValue().getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
          matched = e.getValue();
        }
      }
    }
    if (matched == null) {
      throw ApiError.of(401, SHAPE, "unauthorized", "Authorization", "Unauthorized request: send the source write key"
          + " as the Basic user name with an empty password, or as writeKey in the body");
    }
    ctx.attribute(Ingest.AUTHENTICATED_WORKSPACE, matched);
    return matched;
  }

  /** The request body, gunzipped when {@code Content-Encoding: gzip}, at most {@code limit} bytes. */
  private byte[] decoded(Context ctx, int limit, String what) {
    byte[] raw = bodies.read(ctx, SHAPE);
    String encoding = ctx.header("Content-Encoding");
    byte[] body = raw;
    if (encoding != null && !encoding.isBlank() && !encoding.equalsIgnoreCase("identity")) {
      if (!encoding.trim().equalsIgnoreCase("gzip")) {
        throw ApiError.of(400, SHAPE, "invalid", "Content-Encoding", "Content-Encoding must be gzip or identity but was '"
            + encoding + "'");
      }
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
        body = in.readNBytes(limit + 1);
      } catch (IOException e) {
        throw ApiError.of(400, SHAPE, "invalid", "body", "body is not valid gzip: " + e.getMessage());
      }
    }
    if (body.length > limit) {
      throw new ApiError(400, SHAPE, "too_large", List.of(new Violation("body", what + " is more than " + limit
          + " bytes" + (body == raw ? "" : " decompressed") + "; the Pipelines limit is " + limit + " bytes",
          limit, body.length)), null);
    }
    return body;
  }
}
