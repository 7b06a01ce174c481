package io.ciorelay.delivery.send;

import io.ciorelay.client.ApiRequest;
import io.ciorelay.client.ApiResponse;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What the delivery engine needs of a sender: one exchange per call, bounded by a deadline.
 * {@link Sender} is the HTTP one; tests pass fakes whose futures they complete by hand.
 * Implementations are thread-safe.
 */
public interface Transport extends AutoCloseable {

  /** Sends one request; the future completes with the answer or fails (a timeout at the latest at {@link #deadline()}). */
  CompletableFuture<ApiResponse> send(ApiRequest request);

  /** The full URL of a path, for messages and the outcome policy. */
  URI url(String path);

  /** The longest one exchange may take. */
  Duration deadline();

  /** Releases what the transport holds (connections, threads); exchanges in flight may fail. Default: nothing. */
  @Override
  default void close() {}
}
