package io.ciorelay.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.outbox.AppendResult;
import io.ciorelay.delivery.outbox.EntryKind;
import io.ciorelay.delivery.outbox.NewEntry;
import io.ciorelay.delivery.outbox.OutboxConfig;
import io.ciorelay.delivery.outbox.StoredEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis store on a three-master cluster with two replicas each, appending all the while: the
 * workspace's master failed over ({@code CLUSTER FAILOVER}), its slot moved to another master
 * ({@code SETSLOT}/{@code MIGRATE}, so appends meet {@code ASK}, {@code TRYAGAIN} and
 * {@code MOVED}), and the owning master killed with {@code kill -9} (one of its replicas takes
 * over; each append waited for one replica; health reports the lost master until then). Every
 * acknowledged append must be stored exactly once, in per-person order; an append refused or timed
 * out during a change is retried by the writer under a new payload, and may or may not be stored.
 */
class RedisClusterFailoverTest {
  private static final int PERSONS = 8;

  private LocalRedisCluster cluster;
  private RedisOutbox outbox;

  @AfterEach
  void tearDown() {
    if (outbox != null) {
      outbox.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void failoverSlotMoveAndAKilledMasterLoseNoAcknowledgedAppend() throws Exception {
    cluster = RedisTestCluster.startPrivate(3, 2);
    RedisStoreConfig store = RedisStoreConfig.builder().uri(cluster.uri()).prefix(RedisTestServer.prefix())
        .workspace("ws").replicasToWait(1).replicaTimeout(Duration.ofSeconds(2))
        .commandTimeout(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(50)).build();
    outbox = RedisOutbox.open(store, OutboxConfig.builder().path(Path.of("unused")).lanes(4).build());
    String slotKey = store.keyBase();

    Set<String> acked = ConcurrentHashMap.newKeySet();
    AtomicInteger refused = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer = new Thread(() -> write(acked, refused, stop), "cluster-test-writer");
    writer.start();
    try {
      awaitMore(acked, 200);
      int master = cluster.masterOf(slotKey);
      cluster.failover(cluster.replicasOf(master).get(0));
      assertNotEquals(master, cluster.masterOf(slotKey), "the replica took over the workspace's slot");
      awaitMore(acked, 200);

      int from = cluster.masterOf(slotKey);
      int to = cluster.masters().stream().filter(p -> p != from).findFirst().orElseThrow();
      cluster.moveSlotOf(slotKey, to);
      awaitMore(acked, 200);

      cluster.kill(cluster.masterOf(slotKey));
      // Health hears of the lost master (the poll rounds fail) and clears once a replica took over.
      await().atMost(Duration.ofSeconds(10)).until(() -> outbox.problem() != null);
      assertTrue(outbox.problem().contains("unreachable"), outbox.problem());
      cluster.awaitAgreement();
      await().atMost(Duration.ofSeconds(30)).until(() -> outbox.problem() == null);
      awaitMore(acked, 200);
    } finally {
      stop.set(true);
      writer.join(TimeUnit.SECONDS.toMillis(30));
    }

    Map<String, Integer> stored = new HashMap<>();
    Map<String, Integer> lastOfPerson = new HashMap<>();
    for (int lane = 0; lane < 4; lane++) {
      for (StoredEntry e : outbox.peek(lane, Integer.MAX_VALUE, Long.MAX_VALUE)) {
        String payload = new String(e.payload(), StandardCharsets.UTF_8);
        stored.merge(payload, 1, Integer::sum);
        if (acked.contains(payload)) {
          int n = Integer.parseInt(payload.split(":")[1]);
          Integer before = lastOfPerson.put(e.personKey(), n);
          assertTrue(before == null || before < n, () -> e.personKey() + ": " + n + " stored after " + before);
        }
      }
    }
    for (String a : acked) {
      assertEquals(1, stored.getOrDefault(a, 0), () -> "acknowledged append " + a + " stored once");
    }
    System.out.printf("cluster failover test: %d acknowledged, %d refused or timed out and retried, %d stored%n",
        acked.size(), refused.get(), stored.size());
  }

  /** Appends person-by-person, one at a time; a refused or failed append is retried as a new attempt. */
  private void write(Set<String> acked, AtomicInteger refused, AtomicBoolean stop) {
    int[] next = new int[PERSONS];
    int attempt = 0;
    for (int i = 0; !stop.get(); i++) {
      int p = i % PERSONS;
      String payload = "p" + p + ":" + next[p] + ":" + attempt++;
      AppendResult r = outbox.append(new NewEntry("p" + p, null, EntryKind.V2_OPERATION,
          payload.getBytes(StandardCharsets.UTF_8), 1L));
      boolean ok = false;
      if (r.isAccepted()) {
        try {
          r.committed().get(10, TimeUnit.SECONDS);
          ok = true;
        } catch (Exception e) {
          ok = false;
        }
      }
      if (ok) {
        acked.add(payload);
        next[p]++;
      } else {
        refused.incrementAndGet();
        i--; // the same person again, so its order is kept
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // pacing retries while the cluster changes
      }
    }
  }

  private static void awaitMore(Set<String> acked, int more) {
    int target = acked.size() + more;
    await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= target);
  }
}
