package io.ciorelay.server.torture;

import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.CustomerIoConfig;
import io.ciorelay.delivery.Receipt;
import io.ciorelay.delivery.outbox.DeadLetter;
import io.ciorelay.delivery.ratelimit.RateLimitConfig;
import io.ciorelay.redis.RedisKeys;
import io.ciorelay.redis.RedisOutbox;
import io.ciorelay.redis.RedisRateLimiter;
import io.ciorelay.redis.RedisStoreConfig;
import io.ciorelay.delivery.outbox.LaneHash;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two or three stores ({@link CustomerIo} on the Redis outbox and the fleet-wide limiter) sharing
 * one Redis under a prefix of their own, in this JVM; stores leave (closed with a short deadline)
 * and join during the run. On a private {@code redis-server} child, Redis itself is restarted with
 * {@code kill -9}; on a given Redis ({@code --redis-uri}) it is not, and the keys are deleted at
 * the end. Each person's operations go to one store at a time; a membership change waits until
 * every accepted operation is durable, so acceptance order is the order in the shared streams.
 *
 * <p>Not thread-safe: one run drives it; the feeder thread and the run synchronise on {@code this}.
 */
final class RedisTarget implements Target {
  private final String baseUrl;
  private final String siteId;
  private final String apiKey;
  private final Path dir;
  private final String givenUri;
  private final Workload workload;
  private final int perSecond;
  private final String prefix;
  private final Ledger ledger = new Ledger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final List<Member> members = new ArrayList<>();
  private final ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor(Poll.daemon("torture-redis-feeder"));
  private RedisServer server;
  private String uri;
  private ScheduledFuture<?> feeding;
  private long next;
  private int joined;
  private int left;

  private record Member(String relayId, CustomerIo cio, RedisRateLimiter limiter) {}

  RedisTarget(String baseUrl, String siteId, String apiKey, Path dir, String givenUri, long seed, int persons,
      int perSecond) {
    this.baseUrl = baseUrl;
    this.siteId = siteId;
    this.apiKey = apiKey;
    this.dir = dir;
    this.givenUri = givenUri;
    this.workload = new Workload(seed, persons);
    this.perSecond = perSecond;
    this.prefix = "cio-torture-" + Long.toHexString(seed) + "-" + Long.toHexString(System.nanoTime());
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public Set<FaultKind> supported() {
    Set<FaultKind> s = EnumSet.allOf(FaultKind.class);
    if (givenUri != null) {
      s.remove(FaultKind.STORE_RESTART);
    }
    return s;
  }

  @Override
  public void start() throws Exception {
    if (givenUri != null) {
      uri = givenUri;
    } else {
      server = RedisServer.start(dir.resolve("redis"));
      uri = server.uri();
    }
    synchronized (this) {
      join();
      join();
    }
    int perTick = Math.max(1, perSecond / 50);
    feeding = feeder.scheduleAtFixedRate(() -> feed(perTick), 0, 20, TimeUnit.MILLISECONDS);
  }

  private synchronized void feed(int n) {
    for (int i = 0; i < n; i++) {
      Workload.Op op = workload.op(next++);
      ledger.offering(op.index());
      Member m = members.get(Math.floorMod(LaneHash.hash(op.person()), members.size()));
      Receipt r = Workload.submit(m.cio(), op);
      if (!r.isAccepted()) {
        ledger.refused();
        continue;
      }
      ledger.accepted();
      inFlight.incrementAndGet();
      r.durable().whenComplete((ok, e) -> {
        if (Boolean.TRUE.equals(ok)) {
          ledger.durable(op, r.eventId(), System.currentTimeMillis());
        }
        inFlight.decrementAndGet();
      });
    }
  }

  private void join() {
    String relayId = "torture-" + (++joined);
    RedisStoreConfig store = RedisStoreConfig.builder().uri(uri).prefix(prefix).workspace("torture").relayId(relayId)
        .leaseTtl(EngineSettings.LEASE_TTL).maxRequestTime(EngineSettings.REQUEST_TIMEOUT).build();
    RedisRateLimiter limiter = RedisRateLimiter.create(store,
        RateLimitConfig.of(EngineSettings.WORKSPACE_LIMIT, EngineSettings.HEADROOM));
    CustomerIo cio = CustomerIo.create(EngineSettings.configure(CustomerIoConfig.builder(), baseUrl, siteId, apiKey)
        .outboxFactory(RedisOutbox.factory(store)).rateLimiter(limiter).build());
    members.add(new Member(relayId, cio, limiter));
  }

  @Override
  public void restartStore() throws Exception {
    if (server == null) {
      throw new UnsupportedOperationException("Redis is restarted only when the run starts its own (no --redis-uri)");
    }
    server.restart();
  }

  @Override
  public void changeMembership(Random random) {
    Member leaving = null;
    synchronized (this) {
      // Every accepted operation durable first: a person's next operation may go to another store.
      Poll.until(() -> inFlight.get() == 0, Duration.ofSeconds(30), Duration.ofMillis(10));
      if (members.size() >= 3) {
        leaving = members.remove(random.nextInt(members.size()));
        left++;
      } else {
        join();
      }
    }
    if (leaving != null) {
      leaving.cio().close(Duration.ofSeconds(1));
      leaving.limiter().close();
    }
  }

  @Override
  public void stopFeeding() throws Exception {
    feeding.cancel(false);
    feeder.shutdown();
    feeder.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Override
  public Ledger ledger() {
    return ledger;
  }

  @Override
  public List<DeadLetterSeen> deadLetters() {
    Map<Long, DeadLetterSeen> seen = new HashMap<>();
    List<Member> now;
    synchronized (this) {
      now = List.copyOf(members);
    }
    for (Member m : now) {
      long after = 0;
      while (true) {
        List<DeadLetter> page = m.cio().deadLetters().list(after, 1000);
        if (page.isEmpty()) {
          break;
        }
        for (DeadLetter d : page) {
          seen.put(d.id(), TortureChild.seen(d));
          after = d.id();
        }
      }
    }
    return List.copyOf(seen.values());
  }

  @Override
  public String describeEvents() {
    return joined + " store(s) joined, " + left + " left, " + (server == null ? "Redis " + uri + " not restarted"
        : "private redis-server restarted " + server.restarts() + " time(s) with kill -9");
  }

  @Override
  public void close() {
    feeder.shutdownNow();
    List<Member> now;
    synchronized (this) {
      now = List.copyOf(members);
      members.clear();
    }
    for (Member m : now) {
      m.cio().close(Duration.ofSeconds(2));
      m.limiter().close();
    }
    if (uri != null && (server == null || RedisServer.ping(Integer.parseInt(uri.replaceAll(".*:(\\d+)/.*", "$1"))))) {
      try {
        RedisKeys.deletePrefix(uri, prefix);
      } catch (RuntimeException e) {
        // best effort: the prefix is unique to this run
      }
    }
    if (server != null) {
      server.close();
    }
  }
}
