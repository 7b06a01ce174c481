/**
 * A typed client of the Customer.io Track API (v1 and v2) for the JVM.
 *
 * <p>Start with {@link io.ciorelay.client.TrackClient#create(TrackClientConfig)}. Input is checked
 * against the documented limits ({@link io.ciorelay.client.Limits}) before anything is sent;
 * non-2xx answers become {@link io.ciorelay.client.CioApiException}, failures without an answer
 * {@link io.ciorelay.client.CioTransportException}, and {@link io.ciorelay.client.Retryability}
 * decides which of them may be retried. {@link io.ciorelay.client.WebhookVerifier} checks the
 * signatures of Customer.io reporting webhooks. The client does not retry, queue or log; the
 * delivery layer does.
 */
package io.ciorelay.client;
