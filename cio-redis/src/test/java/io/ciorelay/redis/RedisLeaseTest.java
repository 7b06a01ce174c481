package io.ciorelay.redis;

import static io.ciorelay.redis.RedisFleetTest.personOnLane;
import static io.ciorelay.redis.RedisOutboxTest.appendCommitted;
import static io.ciorelay.redis.RedisOutboxTest.entry;
import static io.ciorelay.redis.RedisOutboxTest.outboxConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.outbox.DeadLetterRequest;
import io.ciorelay.delivery.outbox.StoredEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lease hand-over between two relays on the real Redis, with the poll rounds run by hand and the
 * lease time on a fake ticker: a shard is not given up while what was read from it is in flight or
 * held for re-send, and ownership is answered from the lease's time left at the moment of asking.
 */
class RedisLeaseTest {
  static final int SHARDS = 4;
  static final Duration TTL = Duration.ofSeconds(3);
  static final Duration MAX_REQUEST = Duration.ofSeconds(1);

  @RegisterExtension final RedisTestKeys redis = new RedisTestKeys();
  final FakeTicker ticker = new FakeTicker();

  RedisOutbox relay(String id) {
    ticker.advanceOnEachRead(Duration.ZERO);
    return redis.register(RedisOutbox.open(RedisStoreConfig.builder().uri(redis.uri()).prefix(redis.prefix())
        .workspace("ws").relayId(id).shards(SHARDS).leaseTtl(TTL).maxRequestTime(MAX_REQUEST)
        .pollInterval(Duration.ofMillis(50)).ticker(ticker).backgroundPolling(false).build(), outboxConfig().build()));
  }

  /** Poll rounds of both relays, each after a pause longer than the lease TTL on the ticker. */
  void rounds(RedisOutbox a, RedisOutbox b, int n) {
    for (int i = 0; i < n; i++) {
      ticker.advance(TTL.plusSeconds(1));
      a.pollOnce();
      b.pollOnce();
    }
  }

  List<StoredEntry> readBatch(RedisOutbox o, int lane) throws Exception {
    String person = personOnLane(o, lane);
    for (int i = 0; i < 3; i++) {
      appendCommitted(o, entry(person, "op-" + i));
    }
    List<StoredEntry> batch = o.peek(lane, 10, Long.MAX_VALUE);
    assertEquals(3, batch.size());
    return batch;
  }

  static long[] seqs(List<StoredEntry> batch) {
    return batch.stream().mapToLong(StoredEntry::seq).toArray();
  }

  @Test
  void aShardWhoseBatchIsHeldForReSendIsNotGivenToAJoiningRelay() throws Exception {
    RedisOutbox a = relay("relay-a");
    int lane = SHARDS - 1; // the first one a relay gives up
    List<StoredEntry> batch = readBatch(a, lane);
    // The request failed: the failure is recorded and the batch waits for its re-send.
    a.recordFailure(seqs(batch), 5_000L, "HTTP 503").get(5, TimeUnit.SECONDS);

    RedisOutbox b = relay("relay-b");
    rounds(a, b, 4);
    assertTrue(a.owns(lane), "the relay holding the batch keeps the shard");
    assertFalse(b.owns(lane), "the joining relay does not get the shard");
    assertTrue(b.peek(lane, 10, Long.MAX_VALUE).isEmpty(), "the joining relay reads nothing from it");
    assertEquals(SHARDS / 2, b.ownedCount(), "the joining relay gets its share from the idle shards");

    // The re-send is delivered: only now may the shard move.
    a.ack(seqs(batch)).get(5, TimeUnit.SECONDS);
    rounds(a, b, 2);
    for (int i = 0; i < SHARDS; i++) {
      assertFalse(a.owns(i) && b.owns(i), "shard " + i + " owned by both relays");
    }
    assertEquals(SHARDS / 2, a.ownedCount());
    assertEquals(SHARDS / 2, b.ownedCount());
  }

  @Test
  void aShardWithABatchInFlightIsNotGivenUpAfterALongWaitAndDrainsOnceItIsAnswered() throws Exception {
    RedisOutbox a = relay("relay-a");
    // Every shard has a batch in flight, so the shards a joining relay is due must come from busy ones.
    List<List<StoredEntry>> inFlight = new ArrayList<>();
    for (int lane = 0; lane < SHARDS; lane++) {
      inFlight.add(readBatch(a, lane));
    }
    RedisOutbox b = relay("relay-b");
    rounds(a, b, 4);
    assertEquals(0, b.ownedCount(), "no shard moves while its batch is in flight, however long it takes");
    for (int lane = 0; lane < SHARDS; lane++) {
      assertTrue(a.owns(lane), "shard " + lane + " stays with the relay whose request is open");
    }
    // A shard being given up hands out nothing new meanwhile.
    String person = personOnLane(a, SHARDS - 1);
    appendCommitted(a, entry(person, "later"));
    assertTrue(a.peek(SHARDS - 1, 10, Long.MAX_VALUE).size() <= 3, "no new entries from a draining shard");

    // Answers arrive: one batch delivered, one refused (dead-lettered); the shards drain to b.
    a.ack(seqs(inFlight.get(SHARDS - 1))).get(5, TimeUnit.SECONDS);
    List<DeadLetterRequest> refused = new ArrayList<>();
    for (StoredEntry e : inFlight.get(SHARDS - 2)) {
      refused.add(new DeadLetterRequest(e.seq(), "refused", 400, 1));
    }
    a.deadLetter(refused).get(5, TimeUnit.SECONDS);
    rounds(a, b, 3);
    assertEquals(SHARDS / 2, b.ownedCount());
    assertTrue(b.owns(SHARDS - 1) && b.owns(SHARDS - 2), "the answered shards moved");
    assertTrue(a.owns(0) && a.owns(1), "the shards with open requests stayed");
    List<StoredEntry> readByB = b.peek(SHARDS - 1, 10, Long.MAX_VALUE);
    assertEquals(List.of("later"), readByB.stream().map(e -> RedisOutboxTest.text(e.payload())).toList(),
        "the new owner reads only what was not delivered");
  }

  @Test
  void ownershipIsAnsweredFromTheLeaseTimeLeftAtTheMomentOfAsking() {
    RedisOutbox a = relay("relay-a");
    assertTrue(a.owns(0));
    // The lease was renewed for TTL (less a tenth for clock drift); no poll round runs meanwhile.
    ticker.advance(TTL.minus(MAX_REQUEST).minusMillis(400));
    assertTrue(a.owns(0), "more than one request's time left");
    ticker.advance(Duration.ofMillis(200));
    assertFalse(a.owns(0), "less than one request's time left: no request may start");
    assertTrue(a.peek(0, 10, Long.MAX_VALUE).isEmpty());
    a.pollOnce();
    assertTrue(a.owns(0), "renewed");
  }

  @Test
  void aReadDuringWhichTheLeaseRanShortHandsOutNothing() throws Exception {
    RedisOutbox a = relay("relay-a");
    String person = personOnLane(a, 0);
    appendCommitted(a, entry(person, "op"));
    a.pollOnce();
    // Each look at the ticker now moves it on by 1.8 s: the lease (2.7 s) has enough left when the
    // read starts and not once it returns, as on a Redis that takes seconds to answer.
    ticker.advanceOnEachRead(Duration.ofMillis(1800));
    assertTrue(a.peek(0, 10, Long.MAX_VALUE).isEmpty(), "nothing handed out to send on a lease about to lapse");
    ticker.advanceOnEachRead(Duration.ZERO);
    a.pollOnce();
    assertEquals(1, a.peek(0, 10, Long.MAX_VALUE).size());
  }
}
