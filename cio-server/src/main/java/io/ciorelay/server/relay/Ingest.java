package io.ciorelay.server.relay;

import io.ciorelay.client.Event;
import io.ciorelay.client.Operation;
import io.ciorelay.delivery.Receipt;
import io.ciorelay.delivery.Workspaces;
import io.javalin.http.Context;

/**
 * Hands an accepted request's operations to the workspace they belong to: the one whose
 * credentials the client authenticated with (the default), or the one the configured
 * {@link io.ciorelay.delivery.routing.Routing} rule picks. Thread-safe.
 */
final class Ingest {
  /** The request attribute holding the name of the workspace the client authenticated as. */
  static final String AUTHENTICATED_WORKSPACE = "cio.workspace";

  private final Workspaces workspaces;
  private final boolean byCredentials;

  Ingest(Workspaces workspaces, boolean byCredentials) {
    this.workspaces = workspaces;
    this.byCredentials = byCredentials;
  }

  Receipt submit(Context ctx, Operation op) {
    return byCredentials ? workspaces.get(authenticated(ctx)).submit(op) : workspaces.submit(op);
  }

  Receipt trackAnonymous(Context ctx, String anonymousId, Event event) {
    return byCredentials ? workspaces.get(authenticated(ctx)).trackAnonymous(anonymousId, event)
        : workspaces.trackAnonymous(anonymousId, event);
  }

  private static String authenticated(Context ctx) {
    String ws = ctx.attribute(AUTHENTICATED_WORKSPACE);
    if (ws == null) {
      throw new IllegalStateException("request reached ingestion without authentication");
    }
    return ws;
  }
}
