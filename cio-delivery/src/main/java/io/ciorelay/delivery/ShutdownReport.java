package io.ciorelay.delivery;

import java.time.Duration;

/**
 * What {@link CustomerIo#close(Duration)} did, with exact counts.
 *
 * @param accepted      operations accepted since this instance started
 * @param delivered     operations delivered since this instance started
 * @param deadLettered  operations dead-lettered since this instance started
 * @param remaining     operations left durably in the outbox for the next start
 * @param inFlightAbandoned requests still unanswered at the deadline; their operations are among
 *                      {@code remaining} and will be re-sent (with the same event ids) on the next start
 * @param took          how long closing took
 */
public record ShutdownReport(long accepted, long delivered, long deadLettered, long remaining,
    int inFlightAbandoned, Duration took) {

  @Override
  public String toString() {
    return "accepted=" + accepted + " delivered=" + delivered + " dead_lettered=" + deadLettered
        + " remaining_on_disk=" + remaining + " in_flight_abandoned=" + inFlightAbandoned
        + " took_ms=" + took.toMillis();
  }
}
