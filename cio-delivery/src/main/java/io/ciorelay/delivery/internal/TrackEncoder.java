package io.ciorelay.delivery.internal;

import io.ciorelay.client.ApiRequest;
import io.ciorelay.client.TrackClient;
import io.ciorelay.client.Violation;
import io.ciorelay.delivery.outbox.EntryKind;
import io.ciorelay.delivery.outbox.NewEntry;
import io.ciorelay.delivery.outbox.StoredEntry;
import io.ciorelay.delivery.outcome.Request;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The Track API encoding: v2 operations as they are stored inside {@code POST /api/v2/batch}, a
 * v1 anonymous event alone to {@code POST /api/v1/events}. Stateless and thread-safe.
 */
final class TrackEncoder implements RequestEncoder {
  static final TrackEncoder INSTANCE = new TrackEncoder();
  static final String BATCH_PATH = "/api/v2/batch";
  static final String EVENTS_PATH = "/api/v1/events";

  private TrackEncoder() {}

  @Override
  public ApiRequest encode(List<StoredEntry> entries) {
    if (entries.get(0).kind() != EntryKind.V2_OPERATION) {
      return new ApiRequest("POST", EVENTS_PATH, entries.get(0).payload());
    }
    List<byte[]> payloads = new ArrayList<>(entries.size());
    for (StoredEntry e : entries) {
      payloads.add(e.payload());
    }
    return new ApiRequest("POST", BATCH_PATH, TrackClient.batchBody(payloads));
  }

  @Override
  public Request describe(List<StoredEntry> entries, Function<String, URI> url) {
    return entries.get(0).kind() == EntryKind.V2_OPERATION
        ? Request.batch(url.apply(BATCH_PATH), entries.size())
        : Request.single(Request.Kind.V1, "POST", url.apply(EVENTS_PATH));
  }

  @Override
  public int wireBytes(StoredEntry entry) {
    return entry.payload().length;
  }

  @Override
  public boolean measuresWire() {
    return false;
  }

  @Override
  public List<Violation> check(NewEntry entry) {
    return List.of(); // the Track limits are checked by the caller (Limits)
  }
}
