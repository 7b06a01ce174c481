package io.ciorelay.redis;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Measures one hot token-bucket key in Redis under contention: Bucket4j's Lettuce compare-and-swap
 * proxy against this module's single-round-trip Lua script. N threads spread over 3 connections
 * (3 relays) call tryConsume(1) on a bucket large enough that every call is granted, for a few
 * seconds each; prints acquisitions per second and round trips (commands sent) per acquisition.
 *
 * <p>Run: {@code ./mvnw -q -B -pl cio-redis -am test-compile -DskipTests && java -cp "$(cat
 * cio-redis/target/bench.classpath):cio-redis/target/classes:cio-redis/target/test-classes"
 * io.ciorelay.redis.BucketContentionBench [redis-uri] [seconds]} (see README).
 */
public final class BucketContentionBench {
  private BucketContentionBench() {}

  public static void main(String[] args) throws Exception {
    String uri = args.length > 0 ? args[0] : "redis://127.0.0.1:6379";
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int relays = 3;
    System.out.printf("%-8s %8s %14s %18s%n", "engine", "threads", "acquired/s", "round trips/acq");
    for (int threads : new int[] {3, 6}) {
      for (String engine : new String[] {"bucket4j", "lua"}) {
        run(uri, engine, relays, threads, seconds);
      }
    }
  }

  private static void run(String uri, String engine, int relays, int threads, int seconds) throws Exception {
    String key = "{cio-bench-" + System.nanoTime() + ":ws}:rl";
    LongAdder commands = new LongAdder();
    CommandListener counter = new CommandListener() {
      @Override
      public void commandStarted(CommandStartedEvent event) {
        commands.increment();
      }
    };
    List<RedisClient> clients = new ArrayList<>();
    List<Acquirer> acquirers = new ArrayList<>();
    for (int r = 0; r < relays; r++) {
      RedisClient client = RedisClient.create(uri);
      client.addListener(counter);
      clients.add(client);
      StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
      acquirers.add(engine.equals("lua") ? lua(c, key) : bucket4j(c, key));
    }
    AtomicLong acquired = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long startCommands = commands.sum();
    long start = System.nanoTime();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Acquirer a = acquirers.get(t % relays);
      Thread th = new Thread(() -> {
        long n = 0;
        while (System.nanoTime() < end) {
          if (a.tryAcquire()) {
            n++;
          }
        }
        acquired.addAndGet(n);
      });
      ts.add(th);
      th.start();
    }
    for (Thread th : ts) {
      th.join();
    }
    double secs = (System.nanoTime() - start) / 1e9;
    long sent = commands.sum() - startCommands;
    System.out.printf("%-8s %8d %14.0f %18.2f%n", engine, threads, acquired.get() / secs,
        sent / (double) Math.max(1, acquired.get()));
    StatefulRedisConnection<byte[], byte[]> c = clients.get(0).connect(ByteArrayCodec.INSTANCE);
    c.sync().del(key.getBytes(StandardCharsets.UTF_8));
    c.close();
    for (RedisClient client : clients) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
  }

  private interface Acquirer {
    boolean tryAcquire();
  }

  private static Acquirer bucket4j(StatefulRedisConnection<byte[], byte[]> c, String key) {
    LettuceBasedProxyManager<byte[]> pm = Bucket4jLettuce.casBasedBuilder(c)
        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(60)))
        .build();
    BucketConfiguration config = BucketConfiguration.builder()
        .addLimit(Bandwidth.builder().capacity(10_000_000).refillGreedy(10_000_000, Duration.ofSeconds(1)).build())
        .build();
    BucketProxy bucket = pm.builder().build(key.getBytes(StandardCharsets.UTF_8), () -> config);
    return () -> bucket.tryConsume(1);
  }

  private static Acquirer lua(StatefulRedisConnection<byte[], byte[]> c, String key) {
    byte[][] keys = {key.getBytes(StandardCharsets.UTF_8), (key + ":paused-until").getBytes(StandardCharsets.UTF_8)};
    byte[] cap = "10000000".getBytes(StandardCharsets.UTF_8);
    byte[] per = "0.1".getBytes(StandardCharsets.UTF_8);
    byte[] take = "1".getBytes(StandardCharsets.UTF_8);
    byte[] noPause = "0".getBytes(StandardCharsets.UTF_8);
    c.sync().eval(Script.RATE_LIMIT.source, Script.RATE_LIMIT.output, keys, cap, per, take, noPause);
    return () -> {
      List<Object> r = c.sync().evalsha(Script.RATE_LIMIT.sha, Script.RATE_LIMIT.output, keys, cap, per, take, noPause);
      return (Long) r.get(0) == 1L;
    };
  }
}
