package io.ciorelay.delivery.internal;

import io.ciorelay.delivery.outbox.AppendResult;
import io.ciorelay.delivery.outbox.DeadLetter;
import io.ciorelay.delivery.outbox.DeadLetterRequest;
import io.ciorelay.delivery.outbox.NewEntry;
import io.ciorelay.delivery.outbox.Outbox;
import io.ciorelay.delivery.outbox.OutboxStats;
import io.ciorelay.delivery.outbox.StoredEntry;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A real store whose lane ownership is decided by the test, the way a shared store's lease answers
 * {@link Outbox#owns}: every lane is owned while {@code leaseLeft} says so. Thread-safe.
 */
final class LeaseGatedOutbox extends io.ciorelay.delivery.outbox.ForwardingOutbox {
  private final BooleanSupplier leaseLeft;

  LeaseGatedOutbox(Outbox real, BooleanSupplier leaseLeft) {
    super(real);
    this.leaseLeft = leaseLeft;
  }

  @Override public boolean owns(int lane) { return leaseLeft.getAsBoolean() && real.owns(lane); }
}

