package io.ciorelay.delivery.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.client.ApiRequest;
import io.ciorelay.client.Device;
import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Operation;
import io.ciorelay.client.PipelinesClient;
import io.ciorelay.client.ValidationException;
import io.ciorelay.client.Violation;
import io.ciorelay.delivery.Api;
import io.ciorelay.delivery.outbox.EntryKind;
import io.ciorelay.delivery.outbox.NewEntry;
import io.ciorelay.delivery.outbox.StoredEntry;
import io.ciorelay.delivery.outcome.Request;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelinesEncoderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** One per test, as one per workspace: it keeps encoded entries by sequence number. */
  private final RequestEncoder encoder = RequestEncoder.of(Api.PIPELINES);
  private long seq;

  private StoredEntry stored(Operation op, String eventId) {
    seq++;
    return new StoredEntry(seq, 0, op.personKey(), eventId, EntryKind.V2_OPERATION, op.toJson(), 1000, 0, 0);
  }

  private static JsonNode body(ApiRequest r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void operationsBecomeSegmentCallsInOneBatchToV1Batch() throws Exception {
    Operation event = Operation.event(Identifiers.id("p1"), "signed_up", Map.of("plan", "pro"))
        .withId("01HZZZZZZZZZZZZZZZZZZZZZZZ").withTimestamp(1_700_000_000L);
    List<StoredEntry> entries = List.of(
        stored(Operation.identify(Identifiers.email("a@example.com"), Map.of("name", "A")), "01HAAAAAAAAAAAAAAAAAAAAAAA"),
        stored(event, event.id()),
        stored(Operation.addDevice(Identifiers.id("p1"), Device.builder("tok", "ios").build()), "01HBBBBBBBBBBBBBBBBBBBBBBB"),
        stored(Operation.suppress(Identifiers.id("p1")), null));
    ApiRequest r = encoder.encode(entries);
    assertEquals("POST", r.method());
    assertEquals(PipelinesClient.BATCH_PATH, r.path());
    JsonNode batch = body(r).get("batch");
    assertEquals(4, batch.size());
    assertEquals("identify", batch.get(0).get("type").asText());
    assertEquals("a@example.com", batch.get(0).get("userId").asText());
    assertEquals("A", batch.get(0).get("traits").get("name").asText());
    assertEquals("01HAAAAAAAAAAAAAAAAAAAAAAA", batch.get(0).get("messageId").asText());
    assertEquals("track", batch.get(1).get("type").asText());
    assertEquals("signed_up", batch.get(1).get("event").asText());
    assertEquals("01HZZZZZZZZZZZZZZZZZZZZZZZ", batch.get(1).get("messageId").asText());
    assertEquals("2023-11-14T22:13:20Z", batch.get(1).get("timestamp").asText());
    assertEquals("Device Created or Updated", batch.get(2).get("event").asText());
    assertEquals("tok", batch.get(2).get("context").get("device").get("token").asText());
    assertEquals("User Suppressed", batch.get(3).get("event").asText());
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(entries.get(3).payload());
    assertEquals("cio-relay-" + entries.get(3).seq() + "-" + Long.toHexString(crc.getValue()),
        batch.get(3).get("messageId").asText(),
        "an entry stored without an id gets one from its sequence and content, the same on every retry");
  }

  @Test
  void theSameStoredEntryEncodesToTheSameBytesEveryTime() {
    StoredEntry e = stored(Operation.identify(Identifiers.id("p"), Map.of("x", 1)), "01HCCCCCCCCCCCCCCCCCCCCCCC");
    assertEquals(new String(encoder.encode(List.of(e)).body(), StandardCharsets.UTF_8),
        new String(encoder.encode(List.of(e)).body(), StandardCharsets.UTF_8));
  }

  @Test
  void aMergeBecomesAnAliasAndAnAnonymousEventATrackWithAnonymousId() throws Exception {
    StoredEntry merge = stored(Operation.merge(Identifiers.id("keep"), Identifiers.email("old@example.com")),
        "01HDDDDDDDDDDDDDDDDDDDDDDD");
    JsonNode alias = body(encoder.encode(List.of(merge))).get("batch").get(0);
    assertEquals("alias", alias.get("type").asText());
    assertEquals("keep", alias.get("userId").asText());
    assertEquals("old@example.com", alias.get("previousId").asText());
    byte[] v1 = "{\"name\":\"viewed\",\"data\":{\"k\":\"v\"},\"id\":\"01HEEEEEEEEEEEEEEEEEEEEEEE\",\"timestamp\":1700000000,\"anonymous_id\":\"anon-1\"}"
        .getBytes(StandardCharsets.UTF_8);
    StoredEntry anon = new StoredEntry(99, 0, "anon:anon-1", "01HEEEEEEEEEEEEEEEEEEEEEEE", EntryKind.V1_ANONYMOUS_EVENT,
        v1, 1000, 0, 0);
    JsonNode track = body(encoder.encode(List.of(anon))).get("batch").get(0);
    assertEquals("track", track.get("type").asText());
    assertEquals("anon-1", track.get("anonymousId").asText());
    assertEquals("viewed", track.get("event").asText());
    assertEquals("v", track.get("properties").get("k").asText());
    assertEquals("01HEEEEEEEEEEEEEEEEEEEEEEE", track.get("messageId").asText());
  }

  @Test
  void describesAPipelinesBatchForTheOutcomePolicy() {
    List<StoredEntry> two = List.of(stored(Operation.delete(Identifiers.id("a")), null),
        stored(Operation.delete(Identifiers.id("b")), null));
    Request r = encoder.describe(two, p -> URI.create("https://cdp.customer.io" + p));
    assertEquals(Request.Kind.PIPELINES_BATCH, r.kind());
    assertEquals(2, r.operations());
    assertEquals(URI.create("https://cdp.customer.io/v1/batch"), r.url());
  }

  @Test
  void anOperationOver32KbAsACallIsRefusedAtAcceptanceNamingTheLimit() {
    Operation big = Operation.identify(Identifiers.id("p"), Map.of("blob", "x".repeat(33_000)));
    List<Violation> v = encoder.check(new NewEntry(big.personKey(), null, EntryKind.V2_OPERATION, big.toJson(), 0));
    assertEquals(1, v.size(), v.toString());
    assertTrue(v.get(0).message().contains("the Pipelines limit is 32768 bytes"), v.get(0).message());
    Operation fine = Operation.identify(Identifiers.id("p"), Map.of("blob", "x".repeat(30_000)));
    assertTrue(encoder.check(new NewEntry(fine.personKey(), null, EntryKind.V2_OPERATION, fine.toJson(), 0)).isEmpty());
  }

  @Test
  void aPhoneIdentifierHasNoSegmentSpecCallAndIsRefusedAtAcceptance() {
    Operation op = Operation.identify(Identifiers.phone("+15555550100"), Map.of());
    List<Violation> v = encoder.check(new NewEntry(op.personKey(), null, EntryKind.V2_OPERATION, op.toJson(), 0));
    assertEquals("identifiers.phone", v.get(0).field());
  }

  @Test
  void anEntryThatCannotBeSentMakesEncodeFailWithAValidationError() {
    Operation big = Operation.identify(Identifiers.id("p"), Map.of("blob", "x".repeat(33_000)));
    StoredEntry e = stored(big, "01HFFFFFFFFFFFFFFFFFFFFFFF"); // stored before the Pipelines API was chosen
    assertThrows(ValidationException.class, () -> encoder.encode(List.of(e)));
  }

  @Test
  void theBatcherEndsAPipelinesBatchBeforeTheCallThatWouldPassTheBodyLimit() {
    // Each identify is ~2 KB stored; its Segment call is a little larger. 300 of them pass 500 KB.
    List<StoredEntry> entries = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      entries.add(stored(Operation.identify(Identifiers.id("p" + i), Map.of("blob", "y".repeat(2000))),
          "01HGGGGGGGGGGGGGGGGGGGG" + String.format("%03d", i)));
    }
    Batcher b = new Batcher(1000, 500_000, 0, encoder::wireBytes);
    List<StoredEntry> sent = assertInstanceOf(Batcher.Send.class, b.next(entries, 0, false)).entries();
    assertTrue(sent.size() < 300, "cut by bytes, not count: " + sent.size());
    int body = encoder.encode(sent).body().length;
    assertTrue(body < 500_000, "body " + body + " under the limit");
    int withOneMore = encoder.encode(entries.subList(0, sent.size() + 1)).body().length;
    assertTrue(withOneMore >= 500_000 - 1000, "no more would fit: " + withOneMore);
  }

  @Test
  void theTrackEncoderIsUnchangedV2BatchesAndV1AnonymousEvents() {
    RequestEncoder track = RequestEncoder.of(Api.TRACK_V2);
    StoredEntry e = stored(Operation.delete(Identifiers.id("a")), null);
    assertEquals("/api/v2/batch", track.encode(List.of(e)).path());
    assertFalse(track.measuresWire());
    assertEquals(e.payload().length, track.wireBytes(e));
    assertEquals(Request.Kind.V2_BATCH, track.describe(List.of(e), p -> URI.create("http://x" + p)).kind());
  }
}
