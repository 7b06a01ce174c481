package io.ciorelay.server.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.function.Predicate;

/**
 * One kind of dead letter the dashboard lists and acts on (the delivery store's, the webhook
 * receiver's): where the store is, how a filter applies to an item, and its JSON. Implementations
 * are thread-safe.
 *
 * @param <T> the store's dead letter
 */
interface DeadLetterKind<T> {
  /**
   * The store a request is about.
   *
   * @param workspace the workspace named by the request, or null
   * @throws DashboardException 400/404 when there is no such store
   */
  DeadLetterScan.Source<T> source(Context ctx, String workspace);

  /**
   * Which items a filter covers. A bulk action passes the time of its count as {@code asOfMillis}:
   * a store whose ids do not grow with the time of dead-lettering uses it to leave out dead letters
   * given up on after the count.
   */
  Predicate<T> matcher(DeadLetterFilter filter, long asOfMillis);

  /** The item as a table row. */
  ObjectNode summary(T item);

  /** The item as the detail view shows it: the summary plus the payload and the rest. */
  ObjectNode detail(T item);
}
