package io.ciorelay.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.f4b6a3.ulid.Ulid;
import io.ciorelay.client.Event;
import io.ciorelay.client.EventType;
import io.ciorelay.client.Limits;
import io.ciorelay.client.Operation;
import io.ciorelay.client.ValidationException;
import io.ciorelay.client.Violation;
import io.ciorelay.delivery.internal.RequestEncoder;
import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.ciorelay.delivery.outbox.EntryKind;
import io.ciorelay.delivery.outbox.NewEntry;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * Decides whether an operation is accepted, before anything is stored: open for operations,
 * within Customer.io's documented limits (and the chosen API's: with {@link Api#PIPELINES}, 32 KB
 * per Segment-spec call and no phone identifier), not a repeat the {@link IdentifyGuard} skips. An
 * accepted operation leaves stamped (events with a ULID {@code id} and a timestamp, identifies
 * with a timestamp; values given are kept) and encoded as the outbox entry to append. Nothing
 * here throws for a bad operation: it becomes a rejected receipt with the reason.
 *
 * <p>Thread-safe: stateless but for the volatile closing flag and the guard (thread-safe).
 */
final class Acceptance {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Either a receipt given at once (rejected, skipped) or an entry to append. */
  record Verdict(Receipt receipt, NewEntry entry, String eventId, IdentifyGuard.Entry guard) {
    static Verdict decided(Receipt receipt) {
      return new Verdict(receipt, null, null, null);
    }

    boolean isDecided() {
      return receipt != null;
    }
  }

  private final Clock clock;
  private final IdentifyGuard guard;
  private final Rejections rejections;
  private final DeliveryMetrics metrics;
  private final Api api;
  private final RequestEncoder encoder;
  private volatile boolean closing;

  Acceptance(Clock clock, IdentifyGuard guard, Rejections rejections, DeliveryMetrics metrics) {
    this(clock, guard, rejections, metrics, Api.TRACK_V2);
  }

  /** Acceptance for {@code api}: its own limits are checked too (the Pipelines API's per call). */
  Acceptance(Clock clock, IdentifyGuard guard, Rejections rejections, DeliveryMetrics metrics, Api api) {
    this.clock = clock;
    this.guard = guard;
    this.rejections = rejections;
    this.metrics = metrics;
    this.api = api;
    this.encoder = RequestEncoder.of(api);
  }

  /** From now on every operation is rejected with reason CLOSED. */
  void stopAccepting() {
    closing = true;
  }

  boolean isClosing() {
    return closing;
  }

  /** An operation built by a public call; building it may fail on a bad argument. */
  Verdict operation(Supplier<Operation> build) {
    if (closing) {
      return Verdict.decided(rejections.closed());
    }
    Operation op;
    try {
      op = build.get();
      if (op == null) {
        return Verdict.decided(rejections.reject(Rejection.Reason.INVALID, "operation must not be null"));
      }
    } catch (ValidationException e) {
      return Verdict.decided(rejections.invalid(e.violations()));
    } catch (RuntimeException e) {
      return Verdict.decided(rejections.reject(Rejection.Reason.INVALID, String.valueOf(e.getMessage())));
    }
    return accept(op);
  }

  /** A built operation (direct mode queues through here after its own closing check). */
  Verdict accept(Operation op) {
    try {
      Operation stamped = stamp(op);
      byte[] payload = stamped.toJson();
      List<Violation> violations = Limits.check(stamped, payload);
      if (!violations.isEmpty()) {
        return Verdict.decided(rejections.invalid(violations));
      }
      // Under the Pipelines API every operation carries a messageId: an event its ULID, any other a
      // ULID given here and stored with it, so each retry and restart re-sends the same one.
      String messageId = stamped.id() == null && api == Api.PIPELINES ? Ulid.fast().toString() : stamped.id();
      NewEntry entry = new NewEntry(stamped.personKey(), messageId, EntryKind.V2_OPERATION, payload, clock.millis());
      List<Violation> refused = encoder.check(entry);
      if (!refused.isEmpty()) {
        return Verdict.decided(rejections.invalid(refused));
      }
      IdentifyGuard.Check check = guard.check(op, stamped);
      if (check.repeat()) {
        metrics.skipped();
        return Verdict.decided(Receipt.skipped());
      }
      return new Verdict(null, entry, stamped.id(), check.entry());
    } catch (ValidationException e) {
      return Verdict.decided(rejections.invalid(e.violations()));
    } catch (RuntimeException e) {
      return Verdict.decided(rejections.reject(Rejection.Reason.INVALID, String.valueOf(e.getMessage())));
    }
  }

  /** An anonymous event built from a name and data. */
  Verdict anonymous(String anonymousId, String name, java.util.Map<String, ?> data) {
    Event event;
    try {
      event = Event.builder(name).data(data).build();
    } catch (ValidationException e) {
      return Verdict.decided(rejections.invalid(e.violations()));
    } catch (RuntimeException e) {
      return Verdict.decided(rejections.reject(Rejection.Reason.INVALID, String.valueOf(e.getMessage())));
    }
    return anonymous(anonymousId, event);
  }

  /** An anonymous event given in full: its own {@code id} and {@code timestamp} are kept, missing ones assigned. */
  Verdict anonymous(String anonymousId, Event event) {
    if (closing) {
      return Verdict.decided(rejections.closed());
    }
    try {
      if (anonymousId == null || anonymousId.isBlank()) {
        return Verdict.decided(rejections.reject(Rejection.Reason.INVALID, "anonymous_id must not be blank"));
      }
      if (event == null) {
        return Verdict.decided(rejections.reject(Rejection.Reason.INVALID, "event must not be null"));
      }
      String id = event.id() != null ? event.id() : Ulid.fast().toString();
      long ts = event.timestamp() != null ? event.timestamp() : clock.millis() / 1000;
      Event stamped = Event.builder(event.name()).type(event.type()).data(event.data()).id(id).timestamp(ts).build();
      List<Violation> v = Limits.checkEvent(anonymousId, stamped);
      if (!v.isEmpty()) {
        return Verdict.decided(rejections.invalid(v));
      }
      ObjectNode node = JSON.createObjectNode();
      node.put("name", stamped.name());
      if (stamped.type() != null && stamped.type() != EventType.EVENT) {
        node.put("type", stamped.type().wireName());
      }
      node.set("data", JSON.valueToTree(stamped.data()));
      node.put("id", id);
      node.put("timestamp", ts);
      node.put("anonymous_id", anonymousId);
      byte[] body = JSON.writeValueAsBytes(node);
      NewEntry entry = new NewEntry("anon:" + anonymousId, id, EntryKind.V1_ANONYMOUS_EVENT, body, clock.millis());
      List<Violation> refused = encoder.check(entry);
      if (!refused.isEmpty()) {
        return Verdict.decided(rejections.invalid(refused));
      }
      return new Verdict(null, entry, id, null);
    } catch (ValidationException e) {
      return Verdict.decided(rejections.invalid(e.violations()));
    } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
      return Verdict.decided(rejections.reject(Rejection.Reason.INVALID, String.valueOf(e.getMessage())));
    }
  }

  /**
   * Events get a ULID id and a timestamp; identifies get a timestamp. Existing values are kept.
   * {@code Ulid.fast()} draws 80 random bits from {@code ThreadLocalRandom} without a lock: the id
   * only has to be unique (order comes from the outbox sequence), and a shared generator behind a
   * lock became the bottleneck with many request threads.
   */
  Operation stamp(Operation op) {
    Operation out = op;
    switch (op.action()) {
      case EVENT, PAGE, SCREEN -> {
        if (out.id() == null) {
          out = out.withId(Ulid.fast().toString());
        }
        if (out.timestamp() == null) {
          out = out.withTimestamp(clock.millis() / 1000);
        }
      }
      case IDENTIFY -> {
        if (out.timestamp() == null) {
          out = out.withTimestamp(clock.millis() / 1000);
        }
      }
      default -> {
      }
    }
    return out;
  }
}
