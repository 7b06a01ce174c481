package io.ciorelay.server.relay;

import static io.ciorelay.simulator.RecordedOperation.Action;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.server.NodeScripts;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.Identifier;
import io.ciorelay.simulator.RecordedOperation;
import io.ciorelay.simulator.Records;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official customerio-node client (v5, installed with npm under {@code target/}), pointed at
 * the relay with only its {@code url} option changed, drives every Track call the relay covers; the
 * simulator behind the relay must record each exactly once. Node and npm are required: without
 * them this test fails rather than skips.
 */
class OfficialClientRelayIT {
  static final Path MODULE = NodeScripts.MODULE;
  static final Path NODE_DIR = MODULE.resolve("target/node-client");
  static final Path SCRIPT = MODULE.resolve("src/test/node/relay-client.js");

  @TempDir
  Path dir;

  static NodeScripts.Run run(List<String> command, Map<String, String> env, Path log, long timeoutSeconds) throws Exception {
    return NodeScripts.run(NODE_DIR, command, env, log, timeoutSeconds);
  }

  @BeforeAll
  static void installOfficialClient() throws Exception {
    NodeScripts.install(NODE_DIR, "customerio-node", "customerio-node@5", "\"version\": \"5.");
  }

  @Test
  void everyTrackCallThroughTheRelayReachesCustomerIoExactlyOnce() throws Exception {
    try (CioSimulator sim = CioSimulator.builder().siteId("node-site").apiKey("node-key").rateLimit(0).build().start()) {
      RelayServer relay = RelayServer.builder(RelayTestSupport.config(sim, dir).build()).build().start();
      try {
        NodeScripts.Run node = run(List.of("node", SCRIPT.toString()), Map.of(
            "NODE_PATH", NODE_DIR.resolve("node_modules").toString(),
            "RELAY_TRACK_URL", relay.baseUrl() + "/api/v1",
            "RELAY_SITE_ID", sim.siteId(),
            "RELAY_API_KEY", sim.apiKey()), NODE_DIR.resolve("relay-client.log"), 120);
        assertEquals(0, node.exit(), "node script failed:\n" + node.output());
        String context = "\nnode output:\n" + node.output();
        relay.customerIo().flush().get(60, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> relay.customerIo().health().backlog() == 0);
        Records r = sim.records();
        context += "\nrecorded:\n" + r.all();

        assertEquals(List.of(Action.IDENTIFY, Action.EVENT, Action.EVENT, Action.PAGE, Action.ADD_DEVICE,
            Action.DELETE_DEVICE, Action.MERGE), r.forPerson("person-1").stream().map(RecordedOperation::action).toList(),
            context);
        assertTrue(r.forPerson("person-1").get(0).attributesJson().contains("\"plan\":\"pro\""), context);
        assertEquals(new Identifier("email", "a+b@example.com"), r.forPerson("a+b@example.com").get(0).identifier(), context);

        assertEquals(1, r.events("purchase").size(), "the repeated client id is delivered once" + context);
        assertEquals("01JRELAYNODE00000000000001", r.events("purchase").get(0).eventId());
        assertEquals("{\"sku\":\"x1\"}", r.events("purchase").get(0).attributesJson());
        assertEquals(1700000000L, r.events("renewed").get(0).timestamp(), "the client's timestamp is kept" + context);
        assertEquals("/pricing", r.forPerson("person-1").get(3).name());

        RecordedOperation anon = r.events("visited").get(0);
        assertEquals(new Identifier("anonymous_id", "anon-1"), anon.identifier());
        assertEquals("01JRELAYNODE00000000000003", anon.eventId());
        assertEquals("tok-1", r.forPerson("person-1").get(4).deviceToken());
        assertEquals("tok-1", r.forPerson("person-1").get(5).deviceToken());
        assertEquals(new Identifier("email", "old@example.com"), r.forPerson("person-1").get(6).secondary());

        assertEquals(List.of(Action.SUPPRESS, Action.UNSUPPRESS, Action.DELETE),
            r.forPerson("person-2").stream().map(RecordedOperation::action).toList(), context);
        assertEquals(List.of(Action.IDENTIFY, Action.EVENT, Action.SCREEN),
            r.forPerson("person-3").stream().map(RecordedOperation::action).toList(), context);
        assertEquals(Action.PAGE, r.forPerson("p3@example.com").get(0).action());
        assertTrue(r.forPerson("person-9").isEmpty(), "401 and 400 calls queue nothing" + context);

        assertEquals(16, r.count(), "each accepted call exactly once (the repeated purchase id is dropped)" + context);
        for (String id : List.of("01JRELAYNODE00000000000001", "01JRELAYNODE00000000000002", "01JRELAYNODE00000000000003",
            "01JRELAYNODE00000000000004", "01JRELAYNODE00000000000005")) {
          assertEquals(1, r.where(o -> id.equals(o.eventId())).size(), id + context);
        }
      } finally {
        relay.stop();
      }
    }
  }
}
