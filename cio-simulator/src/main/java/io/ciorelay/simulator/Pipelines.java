package io.ciorelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.zip.GZIPInputStream;

/**
 * The simulator's Customer.io Data Pipelines API and its record: {@code POST /v1/batch},
 * {@code /v1/import} (a trailing slash allowed), {@code /v1/identify}, {@code /v1/track},
 * {@code /v1/page}, {@code /v1/screen}, {@code /v1/group}, {@code /v1/alias}.
 *
 * <p>As Customer.io documents it: HTTP Basic with the write key as user and an empty password (or
 * {@code writeKey} in the body); 32 KB (32,768 bytes) per call and 500 KB (512,000 bytes) per
 * batch, gzip bodies accepted; 3,000 requests per 3 seconds, else 429 with {@code Retry-After}.
 * Without {@code X-Strict-Mode: 1} a bad write key, an over-size request or an invalid call is
 * answered 200 and dropped (counted in {@link #droppedCount()}); with it, 401 or 400
 * {@code {"meta":{"errors":[...]}}} and nothing of the request is recorded. A call whose
 * {@code messageId} was accepted before is not recorded again ({@link #duplicateCount()}). The
 * Track side's faults (scripted responses, outages, random 5xx, stalls, latency) apply to these
 * routes too, and so does the Track rate limit set by {@link CioSimulator.Builder#rateLimit(int)}
 * (0 switches it off). A call whose {@code traits} or {@code properties} carry the poison key of
 * {@link Faults#poison} is invalid (400 for the whole request in strict mode, which names it).
 *
 * <p>Thread-safe: the record and the rate-limit window are guarded by one lock each.
 */
public final class Pipelines {
  /** The write key accepted unless the builder sets another. */
  public static final String DEFAULT_WRITE_KEY = "sim-write-key";
  public static final int MAX_CALL_BYTES = 32 * 1024;
  public static final int MAX_BATCH_BYTES = 500 * 1024;
  /** Requests admitted per {@link #RATE_WINDOW_SECONDS} seconds. */
  public static final int RATE_LIMIT = 3000;
  public static final int RATE_WINDOW_SECONDS = 3;
  static final Set<String> TYPES = Set.of("identify", "track", "page", "screen", "group", "alias");

  private final String writeKey;
  private final LongSupplier ticker;
  private final Faults faults;
  private final Object lock = new Object();
  private final ArrayDeque<Long> window = new ArrayDeque<>();
  private ArrayList<PipelinesCall> calls = new ArrayList<>();
  private HashSet<String> messageIds = new HashSet<>();
  private long duplicates;
  private long dropped;

  Pipelines(String writeKey, LongSupplier ticker, Faults faults) {
    this.writeKey = writeKey;
    this.ticker = ticker;
    this.faults = faults;
  }

  void register(Javalin app, ApiPipeline pipeline) {
    app.post("/v1/batch", ctx -> pipeline.handle(ctx, false, false, (c, body) -> handle(c, body, null)));
    app.post("/v1/import", ctx -> pipeline.handle(ctx, false, false, (c, body) -> handle(c, body, null)));
    for (String type : TYPES) {
      app.post("/v1/" + type, ctx -> pipeline.handle(ctx, false, false, (c, body) -> handle(c, body, type)));
    }
  }

  /** The write key accepted. */
  public String writeKey() {
    return writeKey;
  }

  /** The {@code Authorization} header value with the write key. */
  public String authorizationHeader() {
    return "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
  }

  /** Every accepted call in arrival order (a copy). */
  public List<PipelinesCall> calls() {
    synchronized (lock) {
      return new ArrayList<>(calls);
    }
  }

  /** How many calls were accepted (repeats and dropped ones excluded). */
  public int count() {
    synchronized (lock) {
      return calls.size();
    }
  }

  /** The accepted calls of one person (userId, else anonymousId), in arrival order. */
  public List<PipelinesCall> forPerson(String person) {
    return calls().stream().filter(c -> person.equals(c.person())).toList();
  }

  /** Whether a call with this messageId was accepted. */
  public boolean containsMessageId(String messageId) {
    synchronized (lock) {
      return messageIds.contains(messageId);
    }
  }

  /** Calls not recorded because their messageId was accepted before. */
  public long duplicateCount() {
    synchronized (lock) {
      return duplicates;
    }
  }

  /** Calls answered 200 but dropped (no strict mode): bad write key, over a limit, or invalid. */
  public long droppedCount() {
    synchronized (lock) {
      return dropped;
    }
  }

  void clear() {
    synchronized (lock) {
      calls = new ArrayList<>();
      messageIds = new HashSet<>();
      duplicates = 0;
      dropped = 0;
      window.clear();
    }
  }

  private Endpoint.Result handle(Context ctx, byte[] raw, String type) {
    boolean strict = "1".equals(ctx.header("X-Strict-Mode"));
    long now = ticker.getAsLong();
    long waitNanos = admit(now);
    if (waitNanos > 0) {
      ctx.header("Retry-After", Long.toString(Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L)));
      throw new Rejection(429, Responses.v1Error("rate limit exceeded: " + RATE_LIMIT + " requests per "
          + RATE_WINDOW_SECONDS + " seconds"), 0);
    }
    int limit = type == null ? MAX_BATCH_BYTES : MAX_CALL_BYTES;
    byte[] body;
    try {
      body = decode(ctx, raw, limit);
    } catch (IOException e) {
      return refuse(strict, 400, List.of("body is not valid gzip"), 1);
    }
    if (body.length > limit) {
      return refuse(strict, 400, List.of("request is more than " + limit + " bytes; the limit is " + limit), 1);
    }
    JsonNode root;
    try {
      root = Endpoint.parseObject(body, false, false);
    } catch (Rejection r) {
      return refuse(strict, 400, List.of("request body must be a JSON object"), 1);
    }
    if (!authorized(ctx.header("Authorization"), root.get("writeKey"))) {
      if (strict) {
        throw new Rejection(401, Responses.v1Error("unauthorized: check the write key"), 0);
      }
      synchronized (lock) {
        dropped++;
      }
      return new Endpoint.Result(200, Responses.EMPTY_OBJECT, List.of(), 0);
    }
    List<JsonNode> list = new ArrayList<>();
    if (type == null) {
      JsonNode batch = root.get("batch");
      if (batch == null || !batch.isArray()) {
        return refuse(strict, 400, List.of("batch: must be an array of calls"), 1);
      }
      batch.forEach(list::add);
    } else {
      list.add(root);
    }
    List<String> problems = new ArrayList<>();
    List<JsonNode> valid = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String prefix = type == null ? "batch[" + i + "]." : "";
      String problem = problem(list.get(i), type);
      if (problem == null && list.get(i).toString().getBytes(StandardCharsets.UTF_8).length > MAX_CALL_BYTES) {
        problem = "call is more than " + MAX_CALL_BYTES + " bytes";
      }
      if (problem == null && poisoned(list.get(i))) {
        problem = "attribute '" + faults.poisonAttribute() + "' is not allowed (poisoned by a test fault)";
      }
      if (problem != null) {
        problems.add(prefix + problem);
      } else {
        valid.add(list.get(i));
      }
    }
    if (strict && !problems.isEmpty()) {
      throw new Rejection(400, Responses.v1Errors(problems), problems.size());
    }
    record(valid, type, retryCount(ctx.header("X-Retry-Count")), problems.size());
    return new Endpoint.Result(200, Responses.EMPTY_OBJECT, List.of(), 0);
  }

  private Endpoint.Result refuse(boolean strict, int status, List<String> problems, int calls) {
    if (strict) {
      throw new Rejection(status, Responses.v1Errors(problems), calls);
    }
    synchronized (lock) {
      dropped += calls;
    }
    return new Endpoint.Result(200, Responses.EMPTY_OBJECT, List.of(), 0);
  }

  /** Nanoseconds to wait, or 0 when this request is admitted (and counted). */
  long admit(long now) {
    long span = RATE_WINDOW_SECONDS * 1_000_000_000L;
    synchronized (lock) {
      while (!window.isEmpty() && now - window.peekFirst() >= span) {
        window.pollFirst();
      }
      if (window.size() >= RATE_LIMIT) {
        return Math.max(1, span - (now - window.peekFirst()));
      }
      window.addLast(now);
      return 0;
    }
  }

  private void record(List<JsonNode> valid, String type, int retryCount, int droppedCalls) {
    synchronized (lock) {
      dropped += droppedCalls;
      for (JsonNode c : valid) {
        String messageId = text(c, "messageId");
        if (messageId != null && !messageIds.add(messageId)) {
          duplicates++;
          continue;
        }
        calls.add(new PipelinesCall(calls.size(), type != null ? type : text(c, "type"), text(c, "userId"),
            text(c, "anonymousId"), messageId, text(c, "event"), text(c, "name"), text(c, "groupId"),
            text(c, "previousId"), retryCount, c.toString()));
      }
    }
  }

  /** Whether the call's traits or properties carry the poison key of {@link Faults#poison}. */
  private boolean poisoned(JsonNode c) {
    String key = faults.poisonAttribute();
    return key != null && (c.path("traits").has(key) || c.path("properties").has(key));
  }

  /** What is wrong with a call, or null: the checks Customer.io's spec implies. */
  static String problem(JsonNode c, String pathType) {
    if (c == null || !c.isObject()) {
      return "call must be a JSON object";
    }
    String type = pathType != null ? pathType : text(c, "type");
    if (type == null || !TYPES.contains(type)) {
      return "type: must be one of identify, track, page, screen, group, alias";
    }
    if (text(c, "userId") == null && text(c, "anonymousId") == null) {
      return "userId: userId or anonymousId is required";
    }
    switch (type) {
      case "track":
        return text(c, "event") == null ? "event: is required for track" : null;
      case "group":
        return text(c, "groupId") == null ? "groupId: is required for group" : null;
      case "alias":
        return text(c, "previousId") == null || text(c, "userId") == null
            ? "previousId: alias needs previousId and userId" : null;
      default:
        return null;
    }
  }

  private boolean authorized(String header, JsonNode bodyKey) {
    byte[] expected = (writeKey + ":").getBytes(StandardCharsets.UTF_8);
    if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        if (MessageDigest.isEqual(Base64.getDecoder().decode(header.substring(6).trim()), expected)) {
          return true;
        }
      } catch (IllegalArgumentException e) {
        // not base64: not authorized by the header
      }
    }
    return bodyKey != null && bodyKey.isTextual() && MessageDigest.isEqual(
        bodyKey.textValue().getBytes(StandardCharsets.UTF_8), writeKey.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] decode(Context ctx, byte[] raw, int limit) throws IOException {
    String enc = ctx.header("Content-Encoding");
    if (enc == null || !enc.trim().equalsIgnoreCase("gzip")) {
      return raw;
    }
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
      return in.readNBytes(limit + 1);
    }
  }

  private static int retryCount(String header) {
    try {
      return header == null ? 0 : Integer.parseInt(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String text(JsonNode c, String field) {
    JsonNode n = c.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isTextual()) {
      return n.textValue().isBlank() ? null : n.textValue();
    }
    return n.isNumber() ? n.asText() : null;
  }
}
