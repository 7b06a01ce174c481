/**
 * The relay's Customer.io reporting-webhook receiver: verify, de-duplicate, store durably, answer
 * fast, then forward to a consumer with retries.
 *
 * <p>Entry points: {@link io.ciorelay.server.webhook.WebhookConfig} (immutable, built with its
 * builder) and {@link io.ciorelay.server.webhook.WebhookReceiver} ({@code start}, {@code register}
 * on a Javalin app, {@code stats}, {@code pending}, {@code close}).
 *
 * <p><b>Guarantees:</b> a 200 means the event is committed (fsync'd) to the SQLite store; an
 * {@code event_id} seen within the retention (default 7 days) is stored once, across restarts;
 * with a forward URL every stored event is forwarded at least once, in receipt order per person
 * (person key {@code data.customer_id}, else {@code data.identifiers.id}, else the event id),
 * with the original body, {@code X-CIO-Timestamp} and {@code X-CIO-Signature} (so the consumer can
 * verify them with the same key — with a tolerance wide enough for the delay), plus
 * {@code X-Webhook-Event-Id}. Retries never give up: a consumer that keeps refusing an event blocks
 * its lane (1 of {@code lanes}), as Customer.io itself would, while other lanes flow; the backlog
 * and oldest-pending-age gauges show it.
 *
 * <p><b>Non-goals:</b> no dead-letter store for the forwarder, no exactly-once (the consumer should
 * de-duplicate by {@code X-Webhook-Event-Id}), one receiver per store file.
 */
package io.ciorelay.server.webhook;
