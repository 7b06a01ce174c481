package io.ciorelay.client;

/**
 * The answer of {@code GET /api/v1/accounts/region}: which data centre the workspace lives in.
 * Immutable.
 *
 * @param url the Track base URL to use, e.g. {@code https://track-eu.customer.io}
 * @param region {@code us} or {@code eu}
 * @param environmentId the workspace (environment) id
 */
public record AccountRegion(String url, String region, long environmentId) {
}
