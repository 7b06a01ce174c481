/**
 * What an answer from Customer.io means: {@link io.ciorelay.delivery.outcome.OutcomePolicy} maps
 * one request and its response (or failure) to an {@link io.ciorelay.delivery.outcome.Action}.
 * Queued delivery, direct mode, {@code cio import} and {@code cio cleanup-load-test} all decide
 * through it.
 */
package io.ciorelay.delivery.outcome;
