/**
 * Durable delivery to Customer.io: {@code CustomerIo}, its configuration, the outbox, and the
 * policies of delivery (retry, breaker, rate limit, routing, health, metrics). The engine's parts
 * ({@code io.ciorelay.delivery.internal}, {@code io.ciorelay.delivery.send}) are not exported.
 */
// Micrometer, Resilience4j, Bucket4j and ULID Creator publish automatic module names only.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.ciorelay.delivery {
  requires transitive io.ciorelay.client;
  requires transitive micrometer.core;
  requires java.sql;
  requires transitive io.github.resilience4j.circuitbreaker; // BreakerConfig#newBreaker
  requires io.github.resilience4j.core;
  requires io.github.bucket4j.core;
  requires com.github.benmanes.caffeine;
  requires org.xerial.sqlitejdbc;
  requires com.github.f4b6a3.ulid;
  requires org.slf4j;

  exports io.ciorelay.delivery;
  exports io.ciorelay.delivery.breaker;
  exports io.ciorelay.delivery.health;
  exports io.ciorelay.delivery.metrics;
  exports io.ciorelay.delivery.outbox;
  exports io.ciorelay.delivery.outcome;
  exports io.ciorelay.delivery.ratelimit;
  exports io.ciorelay.delivery.retry;
  exports io.ciorelay.delivery.routing;
}
