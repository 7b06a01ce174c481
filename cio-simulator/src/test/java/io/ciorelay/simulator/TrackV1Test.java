package io.ciorelay.simulator;

import static io.ciorelay.simulator.Http.json;
import static io.ciorelay.simulator.Http.q;
import static io.ciorelay.simulator.RecordedOperation.Action;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TrackV1Test {
  @RegisterExtension
  static CioSimulatorExtension sim = CioSimulatorExtension.create(b -> b.siteId("site").apiKey("key").rateLimit(0));

  Http http;

  @BeforeEach
  void client() {
    http = new Http(sim.simulator());
  }

  private static void assertOk(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{}", r.body());
  }

  private void assertV1Errors(HttpResponse<String> r, String... messages) {
    assertEquals(400, r.statusCode(), r.body());
    assertEquals(Http.JSON.valueToTree(java.util.Map.of("meta", java.util.Map.of("errors", List.of(messages)))),
        json(r));
    assertEquals(0, sim.records().count());
  }

  private RecordedOperation only() {
    assertEquals(1, sim.records().count());
    return sim.records().all().get(0);
  }

  @Test
  void identifyRecordsAttributes() {
    assertOk(http.put("/api/v1/customers/42", q("{'email':'a@b.c','plan':'pro','_timestamp':1700000000}")));
    RecordedOperation op = only();
    assertEquals(Action.IDENTIFY, op.action());
    assertEquals(new Identifier("id", "42"), op.identifier());
    assertEquals(1700000000L, op.timestamp());
    assertTrue(op.attributesJson().contains("\"plan\":\"pro\""));
    assertTrue(op.arrivalEpochMillis() > 0);
  }

  @Test
  void identifierTypeIsInferredFromThePath() {
    assertOk(http.put("/api/v1/customers/a%2Bb%40x.com", "{}"));
    assertOk(http.put("/api/v1/customers/cio_abc", "{}"));
    List<RecordedOperation> ops = sim.records().all();
    assertEquals(new Identifier("email", "a+b@x.com"), ops.get(0).identifier());
    assertEquals(new Identifier("cio_id", "abc"), ops.get(1).identifier());
  }

  @Test
  void deleteSuppressUnsuppress() {
    assertOk(http.delete("/api/v1/customers/42"));
    assertOk(http.post("/api/v1/customers/42/suppress", "{}"));
    assertOk(http.post("/api/v1/customers/42/unsuppress", null));
    assertEquals(List.of(Action.DELETE, Action.SUPPRESS, Action.UNSUPPRESS),
        sim.records().forPerson("42").stream().map(RecordedOperation::action).toList());
  }

  @Test
  void eventPageAndScreen() {
    assertOk(http.post("/api/v1/customers/42/events", q("{'name':'  purchase ','id':'01A','data':{'sku':'x'},'timestamp':5}")));
    assertOk(http.post("/api/v1/customers/42/events", q("{'type':'page','name':'/home'}")));
    assertOk(http.post("/api/v1/customers/42/events", q("{'type':'screen','name':'Main'}")));
    List<RecordedOperation> ops = sim.records().forPerson("42");
    assertEquals(Action.EVENT, ops.get(0).action());
    assertEquals("purchase", ops.get(0).name());
    assertEquals("01A", ops.get(0).eventId());
    assertEquals(5, ops.get(0).timestamp());
    assertEquals("{\"sku\":\"x\"}", ops.get(0).attributesJson());
    assertEquals(Action.PAGE, ops.get(1).action());
    assertEquals("/home", ops.get(1).name());
    assertEquals(Action.SCREEN, ops.get(2).action());
  }

  @Test
  void anonymousEventAndInvite() {
    assertOk(http.post("/api/v1/events", q("{'name':'viewed','anonymous_id':'anon-1','data':{'a':1}}")));
    assertOk(http.post("/api/v1/events", q("{'name':'invite','data':{'recipient':'x@y.z'}}")));
    List<RecordedOperation> ops = sim.records().all();
    assertEquals(new Identifier("anonymous_id", "anon-1"), ops.get(0).identifier());
    assertNull(ops.get(1).identifier());
  }

  @Test
  void devices() {
    assertOk(http.put("/api/v1/customers/42/devices", q("{'device':{'id':'tok','platform':'ios','last_used':1}}")));
    assertOk(http.delete("/api/v1/customers/42/devices/tok"));
    List<RecordedOperation> ops = sim.records().forPerson("42");
    assertEquals(Action.ADD_DEVICE, ops.get(0).action());
    assertEquals("tok", ops.get(0).deviceToken());
    assertEquals(Action.DELETE_DEVICE, ops.get(1).action());
    assertEquals("tok", ops.get(1).deviceToken());
  }

  @Test
  void deviceValidation() {
    assertV1Errors(http.put("/api/v1/customers/42/devices", q("{'device':{'platform':'windows'}}")),
        "device id must be present", "device platform must be one of ios, android");
    assertV1Errors(http.put("/api/v1/customers/42/devices", "{}"), "device must be a hash");
  }

  @Test
  void mergeCustomers() {
    assertOk(http.post("/api/v1/merge_customers", q("{'primary':{'id':'1'},'secondary':{'email':'s@x.y'}}")));
    RecordedOperation op = only();
    assertEquals(Action.MERGE, op.action());
    assertEquals(new Identifier("id", "1"), op.identifier());
    assertEquals(new Identifier("email", "s@x.y"), op.secondary());
    assertEquals(1, sim.records().forPerson("s@x.y").size());
    sim.simulator().reset();
    assertV1Errors(http.post("/api/v1/merge_customers", q("{'primary':{'id':'1','email':'e'},'secondary':{}}")),
        "primary must contain exactly one of id, email, cio_id",
        "secondary must contain exactly one of id, email, cio_id");
  }

  @Test
  void region() {
    HttpResponse<String> r = http.get("/api/v1/accounts/region");
    assertEquals(200, r.statusCode());
    assertEquals("us", json(r).get("region").asText());
    assertEquals(sim.baseUrl(), json(r).get("url").asText());
    assertTrue(json(r).get("environment_id").isNumber());
  }

  @Test
  void segmentsFormsMetricsPushUnsubscribe() {
    assertOk(http.post("/api/v1/segments/7/add_customers?id_type=email", q("{'ids':['a@b.c']}")));
    assertOk(http.post("/api/v1/segments/7/remove_customers", q("{'ids':['1','2']}")));
    HttpResponse<String> form = http.post("/api/v1/forms/f1/submit", q("{'data':{'email':'a@b.c'}}"));
    assertEquals(204, form.statusCode());
    assertEquals("", form.body());
    Http anonymous = http.withAuth(null);
    assertOk(anonymous.post("/api/v1/metrics", q("{'delivery_id':'d1','metric':'opened'}")));
    assertOk(anonymous.post("/api/v1/push/events", q("{'delivery_id':'d2','event':'opened','device_id':'t'}")));
    assertOk(anonymous.post("/unsubscribe/d3", q("{'unsubscribe':true}")));
    List<RecordedOperation> ops = sim.records().all();
    assertEquals(List.of(Action.SEGMENT_ADD, Action.SEGMENT_REMOVE, Action.FORM_SUBMIT, Action.METRIC,
        Action.PUSH_EVENT, Action.UNSUBSCRIBE), ops.stream().map(RecordedOperation::action).toList());
    assertEquals("7", ops.get(0).name());
    assertEquals(new Identifier("email", "a@b.c"), ops.get(2).identifier());
    assertEquals(new Identifier("delivery_id", "d3"), ops.get(5).identifier());
  }

  @Test
  void segmentsFormsMetricsPushUnsubscribeValidation() {
    assertV1Errors(http.post("/api/v1/segments/7/add_customers", q("{'ids':[]}")),
        "ids must be an array of 1 to 1000 identifiers");
    assertV1Errors(http.post("/api/v1/segments/7/add_customers?id_type=phone", q("{'ids':['1']}")),
        "id_type must be one of id, email, cio_id");
    assertV1Errors(http.post("/api/v1/forms/f/submit", q("{'data':3}")), "data must be a hash");
    assertV1Errors(http.post("/api/v1/metrics", "{}"), "delivery_id must be present", "metric must be present");
    assertV1Errors(http.post("/api/v1/push/events", q("{'delivery_id':'d','event':'clicked'}")),
        "event must be one of opened, converted, delivered");
    assertV1Errors(http.post("/unsubscribe/d", "{}"), "unsubscribe must be a boolean");
  }

  @Test
  void personIdLimits() {
    assertOk(http.put("/api/v1/customers/" + "a".repeat(150), "{}"));
    sim.simulator().reset();
    assertV1Errors(http.put("/api/v1/customers/" + "a".repeat(151), "{}"), "id cannot be longer than 150 bytes");
    // 76 two-byte characters are 152 bytes.
    assertV1Errors(http.put("/api/v1/customers/" + "%C3%A9".repeat(76), "{}"), "id cannot be longer than 150 bytes");
    assertV1Errors(http.put("/api/v1/customers/%20", "{}"), "id attribute cannot be an empty string");
  }

  @Test
  void identifyAttributeLimits() {
    assertV1Errors(http.put("/api/v1/customers/1", q("{'" + "n".repeat(151) + "':1}")),
        "attribute name cannot be longer than 150 bytes");
    assertV1Errors(http.put("/api/v1/customers/1", q("{'big':'" + "v".repeat(1001) + "'}")),
        "value for attribute 'big' cannot be longer than 1000 bytes");
    assertV1Errors(http.put("/api/v1/customers/1", q("{'big':['" + "v".repeat(1000) + "']}")),
        "value for attribute 'big' cannot be longer than 1000 bytes");
    StringBuilder many = new StringBuilder("{");
    for (int i = 0; i < 301; i++) {
      many.append(i == 0 ? "" : ",").append("\"a").append(i).append("\":1");
    }
    assertV1Errors(http.put("/api/v1/customers/1", many.append('}').toString()),
        "cannot identify more than 300 attributes in one request");
    assertV1Errors(http.put("/api/v1/customers/1", q("{'id':''}")), "id attribute cannot be an empty string");
    assertV1Errors(http.put("/api/v1/customers/1", q("{'id':{'x':1}}")), "id attribute must be a string value");
    assertOk(http.put("/api/v1/customers/1", q("{'ok':'" + "v".repeat(1000) + "'}")));
  }

  @Test
  void eventLimits() {
    assertV1Errors(http.post("/api/v1/customers/1/events", "{}"), "event name must not be blank");
    assertV1Errors(http.post("/api/v1/customers/1/events", q("{'name':'   '}")), "event name must not be blank");
    assertV1Errors(http.post("/api/v1/customers/1/events", q("{'name':'" + "e".repeat(101) + "'}")),
        "event name cannot be longer than 100 bytes");
    assertV1Errors(http.post("/api/v1/events", q("{'name':'" + "e".repeat(101) + "'}")),
        "event name cannot be longer than 100 bytes");
    assertV1Errors(http.post("/api/v1/customers/1/events", q("{'name':'x','data':[1]}")),
        "event data must be a hash");
    assertV1Errors(http.post("/api/v1/customers/1/events", q("{'name':'x','data':{'a':'" + "d".repeat(100_000) + "'}}")),
        "event data cannot be longer than 100000 bytes");
    assertV1Errors(http.post("/api/v1/customers/1/events", q("{'name':'x','type':'click'}")),
        "type must be one of event, page, screen");
    assertOk(http.post("/api/v1/customers/1/events", q("{'name':'" + "e".repeat(100) + "','data':{'a':'"
        + "d".repeat(99_000) + "'}}")));
  }

  @Test
  void authFailures() {
    String[] wrong = {null, Http.basic("site", "nope"), Http.basic("other", "key"), "Basic !!!notbase64",
        "Bearer key", "Basic", ""};
    for (String header : wrong) {
      HttpResponse<String> r = http.withAuth(header).put("/api/v1/customers/1", "{}");
      assertEquals(401, r.statusCode(), "header " + header);
      assertTrue(json(r).at("/meta/errors/0").asText().startsWith("unauthorized"), r.body());
    }
    assertEquals(0, sim.records().count());
    assertEquals(wrong.length, sim.stats().count(401));
    assertOk(http.withAuth("basic " + Http.basic("site", "key").substring(6)).put("/api/v1/customers/1", "{}"));
  }
}
