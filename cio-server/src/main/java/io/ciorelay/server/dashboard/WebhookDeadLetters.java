package io.ciorelay.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ciorelay.server.webhook.WebhookDeadLetter;
import io.ciorelay.server.webhook.WebhookEvent;
import io.ciorelay.server.webhook.WebhookReceiver;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The webhook receiver's dead letters (events the consumer kept refusing, or that cannot be sent)
 * as the dashboard lists them, with the same filter as the delivery ones: {@code person} is the
 * event's person key, {@code type} its {@code metric} ({@code opened}, {@code clicked}, …),
 * {@code status} the HTTP status its reason starts with ({@code HTTP 500 …}; 0 when the consumer
 * never answered), {@code q} also searches the {@code object_type}. Their id is the event's receipt
 * sequence, which does not grow with the time of giving up, so a bulk action also leaves out those
 * given up on after its count. Thread-safe.
 */
final class WebhookDeadLetters implements DeadLetterKind<WebhookDeadLetter> {
  private static final Pattern STATUS = Pattern.compile("^HTTP (\\d{3})\\b");
  private final Supplier<WebhookReceiver> receiver;

  WebhookDeadLetters(Supplier<WebhookReceiver> receiver) {
    this.receiver = receiver;
  }

  @Override
  public DeadLetterScan.Source<WebhookDeadLetter> source(Context ctx, String workspace) {
    WebhookReceiver r = receiver.get();
    if (r == null) {
      throw new DashboardException(404, "not_found", "", "the webhook receiver is off: set CIO_WEBHOOK_SIGNING_KEY");
    }
    return new DeadLetterScan.Source<>() {
      @Override
      public List<WebhookDeadLetter> list(long afterId, int limit) {
        return r.deadLetters(afterId, limit);
      }

      @Override
      public long id(WebhookDeadLetter item) {
        return item.event().seq();
      }

      @Override
      public long total() {
        return r.deadLetterCount();
      }

      @Override
      public int replay(List<Long> ids) {
        return r.replayDeadLetters(ids);
      }

      @Override
      public int purge(List<Long> ids) {
        return r.purgeDeadLetters(ids);
      }
    };
  }

  @Override
  public Predicate<WebhookDeadLetter> matcher(DeadLetterFilter filter, long asOfMillis) {
    return d -> d.deadAt().toEpochMilli() <= asOfMillis
        && filter.matches(d.event().personKey(), d.event().eventId(), d.reason(), status(d.reason()),
            d.deadAt().toEpochMilli(), () -> describe(d));
  }

  /** The HTTP status a reason starts with ({@code HTTP 503 (gave up after 8 attempts)}), else 0. */
  static int status(String reason) {
    Matcher m = STATUS.matcher(reason);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  /** The metric as the type and the object type as the name, from the stored body. */
  static DeadLetterFilter.Described describe(WebhookDeadLetter d) {
    JsonNode body = DeadLetterFilter.payload(d.event().body());
    return new DeadLetterFilter.Described(body.path("metric").asText("unknown"), body.path("object_type").asText(null), body);
  }

  @Override
  public ObjectNode summary(WebhookDeadLetter d) {
    WebhookEvent e = d.event();
    DeadLetterFilter.Described desc = describe(d);
    ObjectNode n = Dashboard.JSON.createObjectNode();
    n.put("id", e.seq());
    n.put("event_id", e.eventId());
    n.put("person_key", e.personKey());
    n.put("type", desc.type());
    n.put("name", desc.name());
    n.put("reason", d.reason());
    n.put("last_status", status(d.reason()));
    n.put("attempts", e.attempts());
    n.put("received_at", e.receivedAt().toString());
    n.put("dead_at", d.deadAt().toString());
    return n;
  }

  @Override
  public ObjectNode detail(WebhookDeadLetter d) {
    ObjectNode n = summary(d);
    n.put("timestamp_header", d.event().timestampHeader());
    n.set("payload", describe(d).payload());
    return n;
  }
}
