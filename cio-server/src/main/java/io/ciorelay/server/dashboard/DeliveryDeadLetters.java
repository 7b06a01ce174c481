package io.ciorelay.server.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ciorelay.delivery.outbox.DeadLetter;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.function.Predicate;

/**
 * The delivery dead letters of each workspace (operations Customer.io refused, or whose retries
 * ran out) as the dashboard lists them. Their ids are given when they are dead-lettered, so the
 * counted id alone bounds a bulk action. Thread-safe.
 */
final class DeliveryDeadLetters implements DeadLetterKind<DeadLetter> {
  private final Dashboard dashboard;

  DeliveryDeadLetters(Dashboard dashboard) {
    this.dashboard = dashboard;
  }

  @Override
  public DeadLetterScan.Source<DeadLetter> source(Context ctx, String workspace) {
    return DeadLetterScan.of(dashboard.workspaces().get(dashboard.workspace(ctx, workspace)).deadLetters());
  }

  @Override
  public Predicate<DeadLetter> matcher(DeadLetterFilter filter, long asOfMillis) {
    return filter::matches;
  }

  @Override
  public ObjectNode summary(DeadLetter d) {
    DeadLetterFilter.Described desc = DeadLetterFilter.describe(d);
    ObjectNode n = Dashboard.JSON.createObjectNode();
    n.put("id", d.id());
    n.put("event_id", d.eventId());
    n.put("person_key", d.personKey());
    n.put("type", desc.type());
    n.put("name", desc.name());
    n.put("reason", d.reason());
    n.put("last_status", d.lastStatus());
    n.put("attempts", d.attempts());
    n.put("dead_at", Instant.ofEpochMilli(d.deadAtMillis()).toString());
    return n;
  }

  @Override
  public ObjectNode detail(DeadLetter d) {
    ObjectNode n = summary(d);
    n.put("original_seq", d.originalSeq());
    n.put("kind", d.kind().name());
    n.put("accepted_at", Instant.ofEpochMilli(d.acceptedAtMillis()).toString());
    n.set("payload", DeadLetterFilter.describe(d).payload());
    return n;
  }
}
