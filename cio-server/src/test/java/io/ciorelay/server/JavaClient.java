package io.ciorelay.server;

import static org.awaitility.Awaitility.await;

import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.GroupMessage;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.MessageBuilder;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.ScreenMessage;
import com.segment.analytics.messages.TrackMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Drives Segment's analytics-java 3.5.4 (configured with only its write key and
 * {@code endpoint(host)}) through the same rounds of calls as {@code pipelines-client.js}: an
 * identify and an anonymous track, STEPS tracks, a page, a screen and a group per person, one round
 * at a time (a round starts once every call of the previous one has its callback).
 */
final class JavaClient {
  private JavaClient() {}

  static List<PipelinesClientsIT.Outcome> run(String host, String writeKey, String prefix, int persons, int steps) {
    List<PipelinesClientsIT.Outcome> outcomes = new CopyOnWriteArrayList<>();
    Analytics analytics = Analytics.builder(writeKey).endpoint(host).callback(new Callback() {
      @Override
      public void success(Message m) {
        outcomes.add(outcome(m, true));
      }

      @Override
      public void failure(Message m, Throwable t) {
        outcomes.add(outcome(m, false));
      }
    }).build();
    try {
      int expected = 0;
      for (int s = 0; s <= steps + 3; s++) {
        for (int p = 0; p < persons; p++) {
          String user = prefix + "-p" + p;
          MessageBuilder<?, ?> b;
          if (s == 0) {
            analytics.enqueue(IdentifyMessage.builder().userId(user)
                .traits(Map.of("plan", "pro", "email", user + "@example.com")));
            b = TrackMessage.builder("browsed").anonymousId(prefix + "-anon-" + p).properties(Map.of("seq", 0));
            expected++;
          } else if (s <= steps) {
            b = TrackMessage.builder("step").userId(user).properties(Map.of("seq", s));
          } else if (s == steps + 1) {
            b = PageMessage.builder("Pricing").userId(user)
                .properties(Map.of("url", "https://example.test/pricing", "seq", s));
          } else if (s == steps + 2) {
            b = ScreenMessage.builder("Home").userId(user).properties(Map.of("seq", s));
          } else {
            b = GroupMessage.builder(prefix + "-g" + (p % 3)).userId(user).traits(Map.of("name", "Group " + (p % 3)));
          }
          analytics.enqueue(b);
          expected++;
        }
        analytics.flush();
        int round = expected;
        await().atMost(Duration.ofSeconds(60)).until(() -> outcomes.size() >= round);
      }
    } finally {
      analytics.shutdown();
    }
    return List.copyOf(outcomes);
  }

  private static PipelinesClientsIT.Outcome outcome(Message m, boolean ok) {
    return new PipelinesClientsIT.Outcome(ok, m.type().name().toLowerCase(java.util.Locale.ROOT), m.messageId(),
        m.timestamp().toInstant().toString(), m.userId(), m.anonymousId(), seqOf(m));
  }

  private static int seqOf(Message m) {
    Object props = m instanceof TrackMessage t ? t.properties() : m instanceof PageMessage pg ? pg.properties()
        : m instanceof ScreenMessage sc ? sc.properties() : null;
    return props instanceof Map<?, ?> map && map.get("seq") instanceof Integer i ? i : 0;
  }
}
