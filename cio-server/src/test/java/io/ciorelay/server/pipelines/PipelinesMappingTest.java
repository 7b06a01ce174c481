package io.ciorelay.server.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.client.EventType;
import io.ciorelay.client.ValidationException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PipelinesMappingTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TS = "\"timestamp\":\"2026-12-01T10:00:00.000Z\"";
  static final long SECONDS = 1796119200L;

  static JsonNode json(String s) {
    try {
      return JSON.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String wire(PipelinesMapping.Mapped m) {
    return new String(m.operation().toJson(), StandardCharsets.UTF_8);
  }

  /** Segment call → the Track v2 operation stored (the README's mapping table, row by row). */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      identify by id       | {'type':'identify','userId':'u1','traits':{'plan':'pro'}}                    | {'type':'person','identifiers':{'id':'u1'},'action':'identify','attributes':{'plan':'pro'}}
      identify by email    | {'type':'identify','userId':'a@example.com'}                                 | {'type':'person','identifiers':{'email':'a@example.com'},'action':'identify'}
      identify by cio_id   | {'type':'identify','userId':'cio_abc'}                                       | {'type':'person','identifiers':{'cio_id':'abc'},'action':'identify'}
      identify traits.email| {'type':'identify','anonymousId':'an1','traits':{'email':'b@example.com'}}    | {'type':'person','identifiers':{'email':'b@example.com'},'action':'identify','attributes':{'email':'b@example.com','anonymous_id':'an1'}}
      identify dates       | {'type':'identify','userId':'u1','traits':{'since':'2026-12-01T10:00:00Z','n':{'d':'2026-12-01'}}} | {'type':'person','identifiers':{'id':'u1'},'action':'identify','attributes':{'since':1796119200,'n':{'d':1796083200}}}
      identify numeric id  | {'type':'identify','userId':42}                                              | {'type':'person','identifiers':{'id':'42'},'action':'identify'}
      group                | {'type':'group','userId':'u1','groupId':'acme','traits':{'name':'Acme','objectTypeId':2,'relationshipAttributes':{'role':'admin'}}} | {'type':'object','identifiers':{'object_type_id':'2','object_id':'acme'},'action':'identify','attributes':{'name':'Acme'},'cio_relationships':[{'identifiers':{'id':'u1'},'relationship_attributes':{'role':'admin'}}]}
      group default type   | {'type':'group','userId':'a@example.com','groupId':'acme'}                   | {'type':'object','identifiers':{'object_type_id':'1','object_id':'acme'},'action':'identify','cio_relationships':[{'identifiers':{'email':'a@example.com'}}]}
      group snake type     | {'type':'group','userId':'u1','groupId':'g','traits':{'object_type_id':'3'}}  | {'type':'object','identifiers':{'object_type_id':'3','object_id':'g'},'action':'identify','cio_relationships':[{'identifiers':{'id':'u1'}}]}
      group anonymous      | {'type':'group','anonymousId':'an1','groupId':'acme'}                        | {'type':'object','identifiers':{'object_type_id':'1','object_id':'acme'},'action':'identify_anonymous','cio_relationships':[{'identifiers':{'anonymous_id':'an1'}}]}
      alias                | {'type':'alias','userId':'u1','previousId':'a@example.com'}                  | {'type':'person','action':'merge','primary':{'id':'u1'},'secondary':{'email':'a@example.com'}}
      User Deleted         | {'type':'track','userId':'u1','event':'User Deleted'}                        | {'type':'person','identifiers':{'id':'u1'},'action':'delete'}
      User Suppressed      | {'type':'track','userId':'u1','event':'User Suppressed'}                     | {'type':'person','identifiers':{'id':'u1'},'action':'suppress'}
      User Unsuppressed    | {'type':'track','userId':'u1','event':'User Unsuppressed'}                   | {'type':'person','identifiers':{'id':'u1'},'action':'unsuppress'}
      Device Created       | {'type':'track','userId':'u1','event':'Device Created or Updated','context':{'device':{'token':'tok','type':'iOS'}}} | {'type':'person','identifiers':{'id':'u1'},'action':'add_device','device':{'token':'tok','platform':'ios'}}
      Device Deleted       | {'type':'track','userId':'u1','event':'Device Deleted','context':{'device':{'token':'tok'}}} | {'type':'person','identifiers':{'id':'u1'},'action':'delete_device','device':{'token':'tok'}}
      Relationship Deleted | {'type':'track','userId':'u1','event':'Relationship Deleted','properties':{'objectId':'acme'}} | {'type':'person','identifiers':{'id':'u1'},'action':'delete_relationships','cio_relationships':[{'identifiers':{'object_type_id':'1','object_id':'acme'}}]}
      Object Deleted       | {'type':'track','anonymousId':'x','event':'Object Deleted','properties':{'objectId':'acme','objectTypeId':'2'}} | {'type':'object','identifiers':{'object_type_id':'2','object_id':'acme'},'action':'delete'}
      """)
  void mapsEachCallTheWaySegmentsDestinationDoes(String label, String call, String expected) throws Exception {
    assertEquals(json(expected), JSON.readTree(wire(PipelinesMapping.map(json(call), null, null))), label);
  }

  @Test
  void trackBecomesAnEventWithAnIdDerivedFromTheMessageIdAndUnixSeconds() {
    PipelinesMapping.Mapped m = PipelinesMapping.map(json("{'type':'track','userId':'u1','event':'purchase',"
        + "'messageId':'node-next-1-abc'," + TS.replace('"', '\'') + ",'properties':{'sku':'x'}}"), null, null);
    assertEquals("event", m.operation().action().wireName());
    assertEquals("purchase", m.operation().name());
    assertEquals(SECONDS, m.operation().timestamp());
    assertEquals(MessageIds.ulid("node-next-1-abc", SECONDS * 1000), m.operation().id());
    assertEquals("x", m.operation().attributes().get("sku"));
    assertEquals("node-next-1-abc", m.messageId());
  }

  @Test
  void theEventIdIsTheSameForEveryRetryAndDiffersPerMessage() {
    String a = MessageIds.ulid("m-1", 1_700_000_000_000L);
    assertEquals(a, MessageIds.ulid("m-1", 1_700_000_000_000L));
    assertNotEquals(a, MessageIds.ulid("m-2", 1_700_000_000_000L));
    assertEquals(26, a.length());
    assertEquals(1_700_000_000_000L, com.github.f4b6a3.ulid.Ulid.from(a).getTime());
    assertEquals(0, com.github.f4b6a3.ulid.Ulid.from(MessageIds.ulid("m-1", null)).getTime());
  }

  @Test
  void anonymousTrackPageAndScreenBecomeAnonymousEvents() {
    PipelinesMapping.Mapped t = PipelinesMapping.map(json("{'type':'track','anonymousId':'an1','event':'viewed','messageId':'m1'}"), null, null);
    assertNull(t.operation());
    assertEquals("an1", t.anonymousId());
    assertEquals("viewed", t.event().name());
    assertEquals(MessageIds.ulid("m1", null), t.event().id());
    PipelinesMapping.Mapped p = PipelinesMapping.map(json("{'anonymousId':'an1','properties':{'url':'https://x.test/a'}}"), "page", null);
    assertEquals(EventType.PAGE, p.event().type());
    assertEquals("https://x.test/a", p.event().name());
    PipelinesMapping.Mapped s = PipelinesMapping.map(json("{'type':'screen','anonymousId':'an1','name':'Home'}"), null, null);
    assertEquals(EventType.SCREEN, s.event().type());
  }

  @Test
  void knownPersonPageKeepsTheAnonymousIdAsAnAttribute() {
    PipelinesMapping.Mapped p = PipelinesMapping.map(json("{'type':'page','userId':'u1','anonymousId':'an1','name':'Pricing'}"), null, null);
    assertEquals("page", p.operation().action().wireName());
    assertEquals("Pricing", p.operation().name());
    assertEquals("an1", p.operation().attributes().get("anonymous_id"));
  }

  @Test
  void deviceFieldsMayComeFromTheBatchContext() {
    PipelinesMapping.Mapped m = PipelinesMapping.map(json("{'type':'track','userId':'u1','event':'Device Created or Updated'}"),
        null, json("{'device':{'token':'t2','type':'android'}}"));
    assertEquals("t2", m.operation().device().token());
    assertEquals("android", m.operation().device().platform());
  }

  /** Malformed calls: the field named in the 400 and a word of the reason. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      not an object        | ['x']                                                                  | ""                      | JSON object
      no type              | {'userId':'u1'}                                                        | type                    | required
      unknown type         | {'type':'delete','userId':'u1'}                                        | type                    | one of
      type number          | {'type':1,'userId':'u1'}                                               | type                    | string
      no ids               | {'type':'track','event':'e'}                                           | userId                  | anonymousId
      anonymous identify   | {'type':'identify','anonymousId':'a'}                                  | userId                  | only anonymousId
      userId object        | {'type':'identify','userId':{'a':1}}                                   | userId                  | string or an integer
      no event             | {'type':'track','userId':'u1'}                                         | event                   | event name
      blank event          | {'type':'track','userId':'u1','event':' '}                             | event                   | non-blank
      bad timestamp        | {'type':'track','userId':'u1','event':'e','timestamp':'yesterday'}     | timestamp               | ISO-8601
      numeric timestamp    | {'type':'track','userId':'u1','event':'e','timestamp':1700000000}      | timestamp               | ISO-8601
      impossible date      | {'type':'track','userId':'u1','event':'e','timestamp':'2026-02-30T00:00:00Z'} | timestamp        | ISO-8601
      properties array     | {'type':'track','userId':'u1','event':'e','properties':[1]}            | properties              | object
      traits string        | {'type':'identify','userId':'u1','traits':'x'}                         | traits                  | object
      page without name    | {'type':'page','userId':'u1'}                                          | properties.url          | url
      screen without name  | {'type':'screen','userId':'u1'}                                        | name                    | name
      group without id     | {'type':'group','userId':'u1'}                                         | groupId                 | groupId
      group without person | {'type':'group','groupId':'g'}                                         | userId                  | anonymousId
      group bad type       | {'type':'group','userId':'u','groupId':'g','traits':{'objectTypeId':true}} | traits.objectTypeId | integer
      alias no previous    | {'type':'alias','userId':'u1'}                                         | previousId              | previousId
      alias no user        | {'type':'alias','previousId':'p'}                                      | userId                  | userId
      alias to itself      | {'type':'alias','userId':'u1','previousId':'u1'}                       | previousId              | differ
      deleted anonymous    | {'type':'track','anonymousId':'a','event':'User Deleted'}              | userId                  | User Deleted
      device no token      | {'type':'track','userId':'u1','event':'Device Deleted'}                | context.device.token    | push token
      device no platform   | {'type':'track','userId':'u1','event':'Device Created or Updated','context':{'device':{'token':'t'}}} | context.device.type | ios or android
      object no id         | {'type':'track','userId':'u1','event':'Object Deleted'}                | properties.objectId     | objectId
      long user id         | {'type':'identify','userId':'LONG'}                                    | identifiers.id          | 150
      long event name      | {'type':'track','userId':'u1','event':'LONG'}                          | name                    | 100
      """)
  void malformedCallsAreRefusedNamingTheField(String label, String call, String field, String mentions) {
    String body = call.replace("LONG", "x".repeat(200));
    ValidationException e = assertThrows(ValidationException.class, () -> PipelinesMapping.map(json(body), null, null));
    assertEquals(field, e.violations().get(0).field(), label + ": " + e.violations());
    assertTrue(e.violations().get(0).message().contains(mentions), label + ": " + e.violations());
  }

  @Test
  void isoTimestampsInTheShapesClientsSend() {
    assertEquals(SECONDS * 1000, IsoTimestamps.parseMillis("2026-12-01T10:00:00.000Z"));
    assertEquals(SECONDS * 1000, IsoTimestamps.parseMillis("2026-12-01T11:00:00+01:00"));
    assertEquals(SECONDS * 1000, IsoTimestamps.parseMillis("2026-12-01T11:00:00+0100"));
    assertEquals(SECONDS * 1000, IsoTimestamps.parseMillis("2026-12-01T10:00:00"));
    assertEquals(SECONDS * 1000 + 123, IsoTimestamps.parseMillis("2026-12-01T10:00:00.123456789Z"));
    assertNull(IsoTimestamps.parseMillis("12/01/2026"));
    assertNull(IsoTimestamps.parseMillis("1700000000"));
  }
}
