package io.ciorelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.client.Identifiers;
import io.ciorelay.client.Operation;
import io.ciorelay.delivery.health.HealthConfig;
import io.ciorelay.delivery.internal.DeliveryTracker;
import io.ciorelay.delivery.internal.HealthTracker;
import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.ciorelay.delivery.outbox.AppendResult;
import io.ciorelay.delivery.outbox.ForwardingOutbox;
import io.ciorelay.delivery.outbox.NewEntry;
import io.ciorelay.delivery.outbox.OutboxConfig;
import io.ciorelay.delivery.outbox.SqliteOutbox;
import io.ciorelay.delivery.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appends and their receipts over a real SQLite store with switchable faults. */
class AppenderTest {
  @TempDir
  Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final DeliveryMetrics metrics = new DeliveryMetrics(new SimpleMeterRegistry(), "test");
  private final HealthTracker health = new HealthTracker(clock, HealthConfig.defaults());
  private final IdentifyGuard guard = IdentifyGuard.create(Duration.ofMinutes(1), 100, clock::nanos);
  private final Acceptance acceptance = new Acceptance(clock, guard, new Rejections(metrics), metrics);
  private SqliteOutbox real;
  private FaultyOutbox outbox;
  private Appender appender;
  private volatile boolean refuseNext;

  @BeforeEach
  void open() {
    real = SqliteOutbox.open(OutboxConfig.builder().path(dir.resolve("outbox.db")).lanes(2).build());
    outbox = new FaultyOutbox(real);
    ForwardingOutbox refusing = new ForwardingOutbox(outbox) {
      @Override
      public AppendResult append(NewEntry entry) {
        if (refuseNext) {
          refuseNext = false;
          return AppendResult.rejected(AppendResult.Reason.FAILED, "disk I/O error");
        }
        return real.append(entry);
      }
    };
    appender = new Appender(refusing, guard, new Rejections(metrics), health, metrics,
        new DeliveryTracker(real::isPending, real::deadLetterOf, real::replayedAs), Runnable::run);
  }

  @AfterEach
  void close() {
    real.close();
  }

  private Receipt identify(String plan) {
    return appender.append(acceptance.operation(() -> Operation.identify(Identifiers.id("p"), Map.of("plan", plan))));
  }

  @Test
  void anAcceptedAppendIsCountedAndIsTheLastCommitFlushWaitsFor() throws Exception {
    Receipt r = appender.append(acceptance.operation(() -> Operation.event(Identifiers.id("p"), "e", Map.of())));
    assertTrue(r.isAccepted());
    assertTrue(r.durable().get(10, TimeUnit.SECONDS));
    assertEquals(1, appender.accepted());
    assertEquals(real.newestPendingSeq(), appender.lastAppend().get(10, TimeUnit.SECONDS));
  }

  @Test
  void aDecidedVerdictIsReturnedWithoutTouchingTheStore() {
    acceptance.stopAccepting();
    Receipt r = appender.append(acceptance.operation(() -> Operation.delete(Identifiers.id("p"))));
    assertEquals(Rejection.Reason.CLOSED, r.rejection().reason());
    assertEquals(0, real.stats().pending());
    assertEquals(0, appender.accepted());
  }

  @Test
  void aRefusedAppendReportsTheStoreFailureAndForgetsTheIdentify() {
    refuseNext = true;
    Receipt r = identify("pro");
    assertEquals(Rejection.Reason.FAILED, r.rejection().reason());
    assertTrue(health.storeFailing());
    assertTrue(identify("pro").isAccepted(), "the same identify again is stored, not skipped");
  }

  /** Issue 10, finding 9, through the append: a failed commit forgets the identify before durable() says false. */
  @Test
  void aFailedCommitForgetsTheIdentifyBeforeTheReceiptSaysSo() throws Exception {
    outbox.failCommits.set(1);
    Receipt r = identify("pro");
    assertTrue(r.isAccepted());
    assertFalse(r.durable().get(10, TimeUnit.SECONDS));
    Receipt retry = identify("pro");
    assertEquals(Receipt.Status.ACCEPTED, retry.status(), "not SKIPPED");
    assertTrue(retry.durable().get(10, TimeUnit.SECONDS));
    assertEquals(Receipt.Status.SKIPPED, identify("pro").status(), "the stored one is remembered");
  }
}
