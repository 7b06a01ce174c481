package io.ciorelay.delivery.internal;

import io.ciorelay.client.ApiRequest;
import io.ciorelay.client.Violation;
import io.ciorelay.delivery.Api;
import io.ciorelay.delivery.outbox.NewEntry;
import io.ciorelay.delivery.outbox.StoredEntry;
import io.ciorelay.delivery.outcome.Request;
import java.net.URI;
import java.util.List;
import java.util.function.Function;

/**
 * How a lane's stored entries go over the wire to one Customer.io API: the request that carries
 * them, the facts the {@link io.ciorelay.delivery.outcome.OutcomePolicy} needs about it, the bytes
 * each entry takes in a request body (for the {@link Batcher}), and what the API refuses at
 * acceptance beyond the Track limits. Chosen once per workspace by {@link #of(Api)}.
 * Implementations are thread-safe.
 */
public interface RequestEncoder {

  /**
   * The request carrying {@code entries} (one kind, in order, as the batcher chose them).
   *
   * @throws io.ciorelay.client.ValidationException if an entry cannot be sent to this API (the
   *     outcome policy dead-letters it once isolated)
   */
  ApiRequest encode(List<StoredEntry> entries);

  /** What the outcome policy needs to know about the request for {@code entries}; {@code url} resolves a path. */
  Request describe(List<StoredEntry> entries, Function<String, URI> url);

  /** Bytes the entry takes inside a request body, separators excluded. */
  int wireBytes(StoredEntry entry);

  /** Whether the batcher must measure entries by {@link #wireBytes} (their stored size differs from it). */
  boolean measuresWire();

  /** Why this API would refuse the entry (empty when it is fine); checked before it is stored. */
  List<Violation> check(NewEntry entry);

  /** An encoder for {@code api}; use one per workspace (it may keep entries of that workspace's store). */
  static RequestEncoder of(Api api) {
    return api == Api.PIPELINES ? new PipelinesEncoder() : TrackEncoder.INSTANCE;
  }
}
