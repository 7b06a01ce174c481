/**
 * The relay service: {@link io.ciorelay.server.relay.RelayServer} (HTTP routes for Track v1 and v2
 * ingestion, health, metrics and admin), {@link io.ciorelay.server.relay.RelayConfig} and
 * {@link io.ciorelay.server.relay.RelayConfigLoader} (file, environment and flags). Route classes,
 * the v1 mapping, body limits and credential checks are package-private.
 */
package io.ciorelay.server.relay;
