package io.ciorelay.delivery.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.ciorelay.client.ApiRequest;
import io.ciorelay.client.Operation;
import io.ciorelay.client.PipelinesClient;
import io.ciorelay.client.SegmentCalls;
import io.ciorelay.client.ValidationException;
import io.ciorelay.client.Violation;
import io.ciorelay.delivery.outbox.EntryKind;
import io.ciorelay.delivery.outbox.NewEntry;
import io.ciorelay.delivery.outbox.StoredEntry;
import io.ciorelay.delivery.outcome.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Data Pipelines encoding: each stored entry becomes its Segment-spec calls
 * ({@link SegmentCalls}; a v1 anonymous event becomes a track, page or screen with
 * {@code anonymousId}) inside {@code POST /v1/batch}.
 *
 * <p>{@code messageId}: an event's ULID {@code id}; otherwise the entry's stored event id (a ULID
 * given at acceptance); otherwise (an entry stored before this API was chosen)
 * {@code cio-relay-<seq>-<crc32 of the payload>}, so a store started afresh does not repeat an
 * earlier messageId for another operation. So every retry, every restart and every relay sharing the store sends
 * the same messageId for a stored operation, and a second call of one operation gets {@code -2},
 * {@code -3}…
 *
 * <p>Limits: 32 KB ({@value PipelinesClient#MAX_CALL_BYTES} bytes) per encoded call, checked at
 * acceptance ({@link #check}) and again when encoding. An entry is encoded once and kept (at most
 * {@value #CACHE_BYTES} bytes) for the batcher's sizing, the request and its retries. Thread-safe
 * (the cache is Caffeine's).
 */
final class PipelinesEncoder implements RequestEncoder {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A stand-in messageId as long as a ULID, for sizing a call before its entry is stored. */
  private static final String SIZING_ID = "0".repeat(26);
  private static final byte[] HEAD = "{\"batch\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TAIL = "]}".getBytes(StandardCharsets.UTF_8);
  /** Encoded entries kept for the batch that sizes them and the request that sends them (and its retries). */
  static final long CACHE_BYTES = 8L << 20;

  /**
   * An entry's calls as they go in a body (joined by commas), or why it cannot be sent. Kept by
   * sequence number: a stored entry never changes, so the batcher's sizing, the request and every
   * retry encode it once.
   */
  private record Encoded(byte[] calls, ValidationException refused) {}

  private final Cache<Long, Encoded> encoded = Caffeine.newBuilder().maximumWeight(CACHE_BYTES)
      .weigher((Long seq, Encoded e) -> e.calls == null ? 64 : e.calls.length + 64).build();

  /** One encoder per workspace (its cache is keyed by that store's sequence numbers). */
  PipelinesEncoder() {}

  @Override
  public ApiRequest encode(List<StoredEntry> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(HEAD);
    for (int i = 0; i < entries.size(); i++) {
      Encoded e = encoded(entries.get(i));
      if (e.refused != null) {
        throw e.refused;
      }
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(e.calls);
    }
    out.writeBytes(TAIL);
    if (out.size() > PipelinesClient.MAX_BATCH_BYTES) {
      throw new ValidationException(new Violation("batch", "request is " + out.size() + " bytes; the Pipelines limit is "
          + PipelinesClient.MAX_BATCH_BYTES + " bytes", PipelinesClient.MAX_BATCH_BYTES, out.size()));
    }
    return new ApiRequest("POST", PipelinesClient.BATCH_PATH, out.toByteArray());
  }

  private Encoded encoded(StoredEntry entry) {
    return encoded.get(entry.seq(), seq -> {
      try {
        byte[] body = PipelinesClient.batchBody(calls(entry.kind(), entry.payload(), messageId(entry)));
        return new Encoded(Arrays.copyOfRange(body, HEAD.length, body.length - TAIL.length), null);
      } catch (ValidationException e) {
        return new Encoded(null, e);
      } catch (RuntimeException e) {
        return new Encoded(null, new ValidationException(new Violation("payload",
            "stored operation cannot be read: " + e.getMessage(), -1, -1)));
      }
    });
  }

  @Override
  public Request describe(List<StoredEntry> entries, Function<String, URI> url) {
    return Request.pipelinesBatch(url.apply(PipelinesClient.BATCH_PATH), entries.size());
  }

  @Override
  public int wireBytes(StoredEntry entry) {
    Encoded e = encoded(entry);
    // Not encodable: encode() refuses it and the policy dead-letters it once it is alone.
    return e.calls != null ? e.calls.length : entry.payload().length;
  }

  @Override
  public boolean measuresWire() {
    return true;
  }

  @Override
  public List<Violation> check(NewEntry entry) {
    try {
      PipelinesClient.batchBody(calls(entry.kind(), entry.payload(),
          entry.eventId() != null ? entry.eventId() : SIZING_ID));
      return List.of();
    } catch (ValidationException e) {
      return e.violations();
    }
  }

  /** The messageId of a stored entry's (first) call. */
  static String messageId(StoredEntry e) {
    if (e.eventId() != null) {
      return e.eventId();
    }
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(e.payload());
    return "cio-relay-" + e.seq() + "-" + Long.toHexString(crc.getValue());
  }

  /** The Segment-spec calls of one stored payload. @throws ValidationException if it has none */
  static List<Map<String, Object>> calls(EntryKind kind, byte[] payload, String messageId) {
    if (kind == EntryKind.V2_OPERATION) {
      return SegmentCalls.toCalls(Operation.fromJson(payload), messageId);
    }
    return List.of(anonymousEvent(payload, messageId));
  }

  /** A v1 anonymous event ({@code name, type?, data, id, timestamp, anonymous_id}) as a track, page or screen. */
  private static Map<String, Object> anonymousEvent(byte[] payload, String messageId) {
    JsonNode n;
    try {
      n = JSON.readTree(payload);
    } catch (IOException e) {
      throw new ValidationException(new Violation("payload", "stored anonymous event is not JSON", -1, -1));
    }
    String type = n.path("type").asText("event");
    Map<String, Object> c = new LinkedHashMap<>();
    boolean view = type.equals("page") || type.equals("screen");
    c.put("type", view ? type : "track");
    c.put("messageId", n.hasNonNull("id") ? n.get("id").asText() : messageId);
    c.put("anonymousId", n.path("anonymous_id").asText());
    if (n.hasNonNull("timestamp")) {
      c.put("timestamp", Instant.ofEpochSecond(n.get("timestamp").asLong()).toString());
    }
    c.put(view ? "name" : "event", n.path("name").asText());
    c.put("properties", n.has("data") ? JSON.convertValue(n.get("data"), Map.class) : Map.of());
    return c;
  }
}
