package io.ciorelay.simulator;

import static io.ciorelay.simulator.Http.json;
import static io.ciorelay.simulator.Http.q;
import static io.ciorelay.simulator.RecordedOperation.Action;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TrackV2Test {
  @RegisterExtension
  static CioSimulatorExtension sim = CioSimulatorExtension.create(b -> b.rateLimit(0));

  Http http;

  @BeforeEach
  void client() {
    http = new Http(sim.simulator());
  }

  static String person(String id, String action, String extra) {
    return q("{'type':'person','identifiers':{'id':'" + id + "'},'action':'" + action + "'" + extra + "}");
  }

  static String batch(List<String> ops) {
    return "{\"batch\":[" + String.join(",", ops) + "]}";
  }

  @Test
  void entityAcceptsOneOperation() {
    HttpResponse<String> r = http.post("/api/v2/entity", person("42", "identify", q(",'attributes':{'plan':'pro'}")));
    assertEquals(200, r.statusCode());
    assertEquals("{}", r.body());
    RecordedOperation op = sim.records().all().get(0);
    assertTrue(op.v2());
    assertEquals(Action.IDENTIFY, op.action());
    assertEquals("{\"plan\":\"pro\"}", op.attributesJson());
  }

  @Test
  void batchAcceptsEveryPersonAction() {
    List<String> ops = List.of(
        person("1", "identify", q(",'attributes':{'a':1},'timestamp':10")),
        person("1", "event", q(",'name':'bought','id':'E1','attributes':{'sku':'x'}")),
        person("1", "page", q(",'name':'/p'")),
        person("1", "screen", q(",'name':'S'")),
        person("1", "add_relationships", q(",'cio_relationships':[{'identifiers':{'object_type_id':'1','object_id':'acme'}}]")),
        person("1", "delete_relationships", q(",'cio_relationships':[{'identifiers':{'object_type_id':'1','object_id':'acme'}}]")),
        person("1", "add_device", q(",'device':{'token':'T','platform':'android'}")),
        person("1", "delete_device", q(",'device':{'token':'T'}")),
        q("{'type':'person','action':'merge','primary':{'id':'1'},'secondary':{'cio_id':'c2'}}"),
        person("1", "suppress", ""),
        person("1", "unsuppress", ""),
        person("1", "delete", ""),
        q("{'type':'object','identifiers':{'object_type_id':'1','object_id':'acme'},'action':'identify','attributes':{'n':1}}"),
        q("{'type':'delivery','identifiers':{'id':'d1'},'action':'event','name':'opened','attributes':{'device_token':'T'}}"));
    HttpResponse<String> r = http.post("/api/v2/batch", batch(ops));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{}", r.body());
    List<RecordedOperation> person = sim.records().forPerson("1");
    assertEquals(List.of(Action.IDENTIFY, Action.EVENT, Action.PAGE, Action.SCREEN, Action.ADD_RELATIONSHIPS,
        Action.DELETE_RELATIONSHIPS, Action.ADD_DEVICE, Action.DELETE_DEVICE, Action.MERGE, Action.SUPPRESS,
        Action.UNSUPPRESS, Action.DELETE), person.stream().map(RecordedOperation::action).toList());
    assertEquals(10, person.get(0).timestamp());
    assertEquals("E1", person.get(1).eventId());
    assertEquals("{\"sku\":\"x\"}", person.get(1).attributesJson());
    assertEquals("T", person.get(6).deviceToken());
    assertEquals(new Identifier("cio_id", "c2"), person.get(8).secondary());
    assertEquals(14, sim.records().count());
    assertEquals(new Identifier("object_id", "1/acme"), sim.records().all().get(12).identifier());
    assertEquals(RecordedOperation.Type.DELIVERY, sim.records().all().get(13).type());
  }

  @Test
  void partialFailureAnswers207WithIndicesAndAcceptsTheRest() {
    List<String> ops = List.of(
        person("1", "event", q(",'name':'ok0'")),
        person("1", "event", q(",'name':''")),
        person("2", "identify", ""),
        q("{'type':'person','identifiers':{'id':'3','email':'x@y.z'},'action':'identify'}"),
        person("4", "fly", ""),
        "7",
        person("5", "event", q(",'name':'" + "n".repeat(101) + "'")),
        person("6", "add_device", q(",'device':{'platform':'ios'}")));
    HttpResponse<String> r = http.post("/api/v2/batch", batch(ops));
    assertEquals(207, r.statusCode(), r.body());
    JsonNode errors = json(r).get("errors");
    List<Integer> indices = new ArrayList<>();
    errors.forEach(e -> indices.add(e.get("batch_index").asInt()));
    assertEquals(List.of(1, 3, 4, 5, 6, 7), indices);
    assertEquals("event name must not be blank", errors.get(0).get("message").asText());
    assertEquals("name", errors.get(0).get("field").asText());
    assertEquals("required", errors.get(0).get("reason").asText());
    assertEquals("identifiers", errors.get(1).get("field").asText());
    assertEquals("action", errors.get(2).get("field").asText());
    assertEquals("event name cannot be longer than 100 bytes", errors.get(4).get("message").asText());
    assertEquals("device.token", errors.get(5).get("field").asText());
    assertEquals(List.of("1", "2"),
        sim.records().all().stream().map(RecordedOperation::identifierValue).toList());
    assertEquals(6, sim.stats().rejectedOperations());
  }

  @Test
  void identifyLimitsInV2() {
    HttpResponse<String> r = http.post("/api/v2/batch", batch(List.of(
        person("1", "identify", q(",'attributes':{'" + "k".repeat(151) + "':1}")),
        person("1", "identify", q(",'attributes':{'v':'" + "x".repeat(1001) + "'}")),
        person("p".repeat(151), "identify", ""))));
    assertEquals(207, r.statusCode());
    JsonNode errors = json(r).get("errors");
    assertEquals("attribute name cannot be longer than 150 bytes", errors.get(0).get("message").asText());
    assertEquals("value for attribute 'v' cannot be longer than 1000 bytes", errors.get(1).get("message").asText());
    assertEquals("attributes.v", errors.get(1).get("field").asText());
    assertEquals("identifiers.id", errors.get(2).get("field").asText());
    assertEquals(0, sim.records().count());

    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 301; i++) {
      many.append(i == 0 ? "" : ",").append("\"a").append(i).append("\":1");
    }
    HttpResponse<String> more = http.post("/api/v2/batch", batch(List.of(
        person("1", "identify", ",\"attributes\":{" + many + "}"),
        person("1", "identify", q(",'attributes':{'list':['" + "x".repeat(1000) + "']}")),
        person("1", "event", q(",'name':'e','attributes':{'list':['" + "x".repeat(5000) + "']}")),
        person("1", "identify", q(",'attributes':{'ok':'" + "é".repeat(500) + "'}")),
        person("1", "identify", q(",'attributes':{'no':'" + "é".repeat(501) + "'}")))));
    assertEquals(207, more.statusCode(), more.body());
    JsonNode more207 = json(more).get("errors");
    assertEquals(3, more207.size(), more.body());
    assertEquals("cannot identify more than 300 attributes in one request", more207.get(0).get("message").asText());
    assertEquals(1, more207.get(1).get("batch_index").asInt());
    assertEquals("value for attribute 'list' cannot be longer than 1000 bytes", more207.get(1).get("message").asText());
    assertEquals(4, more207.get(2).get("batch_index").asInt());
    assertEquals(2, sim.records().count(), "event data has no per-attribute limit; 1000 two-byte chars pass");
  }

  @Test
  void entityWithAnInvalidOperationAnswers400WithoutBatchIndex() {
    HttpResponse<String> r = http.post("/api/v2/entity", q("{'type':'person','identifiers':{},'action':'event','name':'x'}"));
    assertEquals(400, r.statusCode());
    JsonNode e = json(r).get("errors").get(0);
    assertEquals("identifiers", e.get("field").asText());
    assertTrue(e.get("batch_index") == null);
    assertEquals(0, sim.records().count());
  }

  @Test
  void sizeLimitsUseKilobytesOf1000Bytes() {
    String entityOp = person("1", "identify", q(",'attributes':{'a':'x'}"));
    String padded = pad(entityOp, 31_999);
    assertEquals(200, http.post("/api/v2/entity", padded).statusCode());
    HttpResponse<String> tooBig = http.post("/api/v2/entity", pad(entityOp, 32_000));
    assertEquals(400, tooBig.statusCode());
    assertEquals("too_large", json(tooBig).at("/errors/0/reason").asText());

    String bigOp = pad(person("2", "identify", ""), 32_001);
    String okOp = pad(person("3", "identify", ""), 32_000);
    HttpResponse<String> r = http.post("/api/v2/batch", batch(List.of(okOp, bigOp)));
    assertEquals(207, r.statusCode(), r.body());
    assertEquals(1, json(r).at("/errors/0/batch_index").asInt());
    assertEquals("too_large", json(r).at("/errors/0/reason").asText());
    assertEquals(1, sim.records().forPerson("3").size());
    assertEquals(0, sim.records().forPerson("2").size());

    List<String> many = new ArrayList<>();
    for (int i = 0; i < 17; i++) {
      many.add(pad(person("m" + i, "identify", ""), 30_000));
    }
    HttpResponse<String> batchTooBig = http.post("/api/v2/batch", batch(many));
    assertEquals(400, batchTooBig.statusCode());
    assertEquals("too_large", json(batchTooBig).at("/errors/0/reason").asText());
    assertEquals(0, sim.records().forPerson("m0").size());
  }

  /** Pads an operation with whitespace inside the object to exactly this many bytes. */
  static String pad(String op, int bytes) {
    int missing = bytes - op.length();
    assertTrue(missing >= 0);
    return op.substring(0, op.length() - 1) + " ".repeat(missing) + "}";
  }

  @Test
  void malformedWholeRequestsAnswer400() {
    String[] bodies = {"", "not json", "[]", "{\"batch\":5}", "{}", "{\"batch\":[", "{\"batch\":[]} trailing"};
    for (String body : bodies) {
      HttpResponse<String> r = http.post("/api/v2/batch", body);
      assertEquals(400, r.statusCode(), "body " + body);
      JsonNode e = json(r).get("errors").get(0);
      assertTrue(e.has("reason") && e.has("field") && e.has("message"), r.body());
    }
    assertEquals(400, http.post("/api/v2/entity", "").statusCode());
    assertEquals(200, http.post("/api/v2/batch", "{\"batch\":[]}").statusCode());
  }

  @Test
  void v2AuthFailureUsesV2Shape() {
    HttpResponse<String> r = http.withAuth(Http.basic("x", "y")).post("/api/v2/batch", "{\"batch\":[]}");
    assertEquals(401, r.statusCode());
    assertEquals("unauthorized", json(r).at("/errors/0/reason").asText());
  }
}
