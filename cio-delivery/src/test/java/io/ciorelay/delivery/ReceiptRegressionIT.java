package io.ciorelay.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.outbox.OutboxFactory;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.RecordedOperation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regressions of the receipt: the identify dedup guard and where delivery outcomes are read. */
class ReceiptRegressionIT {
  @TempDir
  Path dir;
  CioSimulator sim;
  final AtomicReference<FaultyOutbox> store = new AtomicReference<>();

  @BeforeEach
  void start() {
    sim = CioSimulator.builder().rateLimit(0).build().start();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private CustomerIo open(Duration dedupWindow) {
    OutboxFactory faulty = config -> {
      FaultyOutbox f = new FaultyOutbox(OutboxFactory.SQLITE.open(config));
      store.set(f);
      return f;
    };
    return CustomerIo.create(DeliveryTestSupport.config(sim, dir)
        .identifyDedupWindow(dedupWindow).outboxFactory(faulty).build());
  }

  @Test
  void identifyRetriedAfterAFailedCommitIsStoredNotSkipped() throws Exception {
    try (CustomerIo cio = open(Duration.ofMinutes(5))) {
      store.get().failCommits.set(1);
      Receipt first = cio.identify("p1", Map.of("plan", "pro"));
      assertTrue(first.isAccepted());
      assertFalse(first.durable().get(10, TimeUnit.SECONDS), "the commit failed");

      Receipt retry = cio.identify("p1", Map.of("plan", "pro"));
      assertEquals(Receipt.Status.ACCEPTED, retry.status(), "the retry must be stored, not skipped: " + retry);
      assertTrue(retry.durable().get(10, TimeUnit.SECONDS));
      // The guard works again once an identify is committed.
      assertEquals(Receipt.Status.SKIPPED, cio.identify("p1", Map.of("plan", "pro")).status());
      cio.flush().get(20, TimeUnit.SECONDS);
    }
    assertEquals(1, sim.records().count(RecordedOperation.Action.IDENTIFY));
  }

  @Test
  void deliveredReadsTheStoreOffTheThreadThatReportedTheCommit() throws Exception {
    try (CustomerIo cio = open(Duration.ZERO)) {
      CompletableFuture<Void> gate = new CompletableFuture<>();
      store.get().commitGate = gate;
      Receipt r = cio.track("p1", "signed_up", Map.of());
      CompletableFuture<DeliveryOutcome> outcome = r.delivered();
      store.get().lastHeldCommit.get(10, TimeUnit.SECONDS);
      Thread storeThread = new Thread(() -> gate.complete(null), "store-callback");
      storeThread.start();
      storeThread.join();
      assertEquals(DeliveryOutcome.Status.DELIVERED, outcome.get(20, TimeUnit.SECONDS).status());
      await().atMost(Duration.ofSeconds(10)).until(() -> !store.get().readThreads.isEmpty());
      for (String thread : store.get().readThreads) {
        assertFalse(thread.equals("store-callback") || thread.startsWith("cio-outbox-writer"),
            "a store read ran on a store thread: " + thread);
      }
    }
  }

  /**
   * On one- and two-core machines (the common pool has one thread) the JDK ran every
   * {@code durable()} and {@code delivered()} continuation on a thread of its own: a new thread per
   * call, thousands a second for an app that waits on each event.
   */
  @Test
  void durableAndDeliveredContinuationsReuseThreadsInsteadOfStartingOnePerCall() throws Exception {
    try (CustomerIo cio = open(Duration.ZERO)) {
      java.util.Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
      for (int i = 0; i < 40; i++) {
        Receipt r = cio.track("p-" + i, "reused", Map.of());
        assertTrue(r.durable().thenApply(ok -> {
          threads.add(Thread.currentThread());
          return ok;
        }).get(10, TimeUnit.SECONDS));
        assertEquals(DeliveryOutcome.Status.DELIVERED, r.delivered().thenApply(o -> {
          threads.add(Thread.currentThread());
          return o.status();
        }).get(30, TimeUnit.SECONDS));
      }
      assertTrue(threads.size() <= 8, "80 continuations ran on " + threads.size() + " threads");
    }
  }

  /** Where the common pool has one thread, continuations go to a cached pool of reused daemon threads. */
  @Test
  void callbacksUseTheCommonPoolOnlyWhereItHasMoreThanOneThread() throws Exception {
    assertTrue(Receipt.callbacks(4) == java.util.concurrent.ForkJoinPool.commonPool());
    java.util.concurrent.Executor single = Receipt.callbacks(1);
    assertFalse(single == java.util.concurrent.ForkJoinPool.commonPool());
    CompletableFuture<Thread> first = CompletableFuture.supplyAsync(Thread::currentThread, single);
    Thread t = first.get(10, TimeUnit.SECONDS);
    assertTrue(t.isDaemon(), "daemon: the pool must not keep the JVM alive");
    assertTrue(t.getName().startsWith("cio-callback-"), t.getName());
    await().atMost(Duration.ofSeconds(10)).until(() -> t.getState() == Thread.State.TIMED_WAITING);
    assertEquals(t, CompletableFuture.supplyAsync(Thread::currentThread, single).get(10, TimeUnit.SECONDS),
        "an idle thread is reused");
    ((java.util.concurrent.ExecutorService) single).shutdown();
  }
}
