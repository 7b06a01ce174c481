package io.ciorelay.server.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookPayloadTest {
  @ParameterizedTest(name = "[{index}] -> {3}")
  @CsvSource(delimiter = '|', value = {
    "{\"event_id\":\"e1\",\"data\":{\"customer_id\":\"c1\",\"identifiers\":{\"id\":\"i1\"}}} | e1 | c1 | ",
    "{\"event_id\":\"e1\",\"data\":{\"identifiers\":{\"id\":\"i1\"}}}                       | e1 | i1 | ",
    "{\"event_id\":\"e1\",\"data\":{\"customer_id\":42}}                                      | e1 | 42 | ",
    "{\"event_id\":\"e1\",\"data\":{\"customer_id\":\"\"}}                                    | e1 | e1 | ",
    "{\"event_id\":\"e1\"}                                                                    | e1 | e1 | ",
    "{\"event_id\":7}                                                                         | 7  | 7  | ",
    "{\"event_id\":null}                                                                      |    |    | missing_event_id",
    "{\"event_id\":{}}                                                                        |    |    | missing_event_id",
    "{}                                                                                       |    |    | missing_event_id",
    "[]                                                                                       |    |    | malformed_json",
    "\"text\"                                                                                 |    |    | malformed_json",
    "{\"event_id\":                                                                           |    |    | malformed_json",
    "''                                                                                       |    |    | malformed_json",
  })
  void extractsEventIdAndPersonKeyOrTheRejection(String body, String eventId, String person, String rejection) {
    WebhookPayload.Parsed p = WebhookPayload.parse(body.getBytes(StandardCharsets.UTF_8));
    assertEquals(eventId, p.eventId());
    assertEquals(person, p.personKey());
    assertEquals(rejection, p.rejection());
  }
}
