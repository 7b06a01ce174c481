package io.ciorelay.spring;

import io.ciorelay.delivery.CustomerIoConfig;

/**
 * A bean that adjusts a workspace's builder after the {@code cio.*} properties were applied and
 * before it is built (and so checked): for settings that are code rather than text (a clock, an
 * outbox factory, a rate limiter) or that come from elsewhere (a secret store). Called once per
 * workspace, on the thread that creates the application context.
 */
@FunctionalInterface
public interface CioCustomizer {
  /**
   * @param workspace the workspace name ({@code default} for the single one, else the key under
   *     {@code cio.workspaces})
   */
  void customize(String workspace, CustomerIoConfig.Builder builder);
}
