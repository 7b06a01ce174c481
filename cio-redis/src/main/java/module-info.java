/**
 * The outbox and the fleet-wide rate limiter on Redis, for several relays (or applications)
 * sharing one workspace. Only {@code io.ciorelay.redis} is the API.
 */
// Lettuce publishes an automatic module name only.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.ciorelay.redis {
  requires transitive io.ciorelay.delivery;
  requires transitive lettuce.core;
  requires org.slf4j;

  exports io.ciorelay.redis;
}
