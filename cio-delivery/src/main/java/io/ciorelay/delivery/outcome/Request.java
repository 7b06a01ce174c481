package io.ciorelay.delivery.outcome;

import java.net.URI;
import java.util.Objects;

/**
 * The facts about one request to Customer.io that {@link OutcomePolicy} needs. Immutable.
 *
 * @param kind       which API shape was called (decides how per-operation errors are read)
 * @param method     HTTP method, e.g. {@code POST}
 * @param url        the full URL called; user info, if any, is dropped from messages
 * @param operations how many operations the request carried; at least 1
 */
public record Request(Kind kind, String method, URI url, int operations) {

  /** The API shape of a request. */
  public enum Kind {
    /** {@code POST /api/v2/batch}: errors name operations by {@code batch_index}. */
    V2_BATCH,
    /** {@code POST /api/v2/entity}: one operation. */
    V2_ENTITY,
    /** A Track API v1 call: one operation. */
    V1,
    /**
     * {@code POST /v1/batch} of the Data Pipelines API in strict mode: a 200 accepts every call,
     * a 400 refuses the request as a whole (errors name no operation).
     */
    PIPELINES_BATCH;

    /** Whether a request of this kind may carry several operations. */
    public boolean batched() {
      return this == V2_BATCH || this == PIPELINES_BATCH;
    }
  }

  /** @throws IllegalArgumentException if operations is below 1, or a single-operation kind carries more */
  public Request {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(url, "url");
    if (operations < 1) {
      throw new IllegalArgumentException("operations must be at least 1 but was " + operations);
    }
    if (!kind.batched() && operations != 1) {
      throw new IllegalArgumentException("a " + kind + " request carries one operation but was " + operations);
    }
  }

  /** A v2 batch of {@code operations} operations. */
  public static Request batch(URI url, int operations) {
    return new Request(Kind.V2_BATCH, "POST", url, operations);
  }

  /** A Data Pipelines batch carrying {@code operations} operations. */
  public static Request pipelinesBatch(URI url, int operations) {
    return new Request(Kind.PIPELINES_BATCH, "POST", url, operations);
  }

  /** One call carrying one operation. */
  public static Request single(Kind kind, String method, URI url) {
    return new Request(kind, method, url, 1);
  }

  /** {@code METHOD url} with any user info removed, for messages. */
  public String describe() {
    URI u = url;
    if (u.getRawUserInfo() != null) {
      String s = u.toString().replace(u.getRawUserInfo() + "@", "");
      return method + " " + s;
    }
    return method + " " + u;
  }
}
