package io.ciorelay.server.dashboard;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who last paused or resumed delivery of each workspace on this relay, and when (kept in memory:
 * a restart forgets it, and a restarted relay delivers, unpaused). Thread-safe.
 */
final class PauseLog {
  /** One pause or resume: by whom (a name given at sign-in, or the kind of token) and when. */
  record Change(boolean paused, String by, Instant at) {}

  private final Map<String, Change> last = new ConcurrentHashMap<>();

  void record(String workspace, boolean paused, String by, Instant at) {
    last.put(workspace, new Change(paused, by, at));
  }

  /** The last change of this workspace, or null if none since start. */
  Change last(String workspace) {
    return last.get(workspace);
  }
}
