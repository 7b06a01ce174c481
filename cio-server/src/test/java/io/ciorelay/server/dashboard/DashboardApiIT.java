package io.ciorelay.server.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.server.RedisProcess;
import io.ciorelay.server.relay.RelayServer;
import io.ciorelay.server.relay.RelayTestSupport;
import io.ciorelay.simulator.CioSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's pages and API over HTTP: who may see, who may act, and the cross-site guards. */
class DashboardApiIT {
  static final String VIEWER = "viewer-token-for-tests";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;
  CioSimulator sim;
  RelayServer relay;

  @BeforeEach
  void start() {
    sim = CioSimulator.builder().rateLimit(0).build().start();
    relay = RelayServer.builder(RelayTestSupport.config(sim, dir).dashboardViewerToken(VIEWER).build()).build().start();
  }

  @AfterEach
  void stop() {
    relay.stop();
    sim.close();
  }

  HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(relay.baseUrl() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  String cookieAfterSignIn(String token) throws Exception {
    HttpResponse<String> r = call("POST", "/dashboard/login", "token=" + token + "&name=Ops+Bob",
        "Content-Type", "application/x-www-form-urlencoded", "Origin", relay.baseUrl());
    assertEquals(303, r.statusCode(), r.body());
    assertEquals("/dashboard", r.headers().firstValue("Location").orElseThrow());
    List<String> set = r.headers().allValues("Set-Cookie");
    String session = set.stream().filter(c -> c.startsWith(DashboardAuth.COOKIE + "=")).findFirst().orElseThrow();
    assertTrue(session.contains("HttpOnly") && session.contains("SameSite=Strict") && session.contains("Path=/dashboard"), session);
    return set.stream().map(c -> c.substring(0, c.indexOf(';'))).reduce((a, c) -> a + "; " + c).orElseThrow();
  }

  @Test
  void pagesAndAssetsComeFromTheJarWithAStrictContentSecurityPolicy() throws Exception {
    HttpResponse<String> login = call("GET", "/dashboard/login", null);
    assertEquals(200, login.statusCode());
    assertTrue(login.body().contains("<form method=\"post\" action=\"/dashboard/login\">"), login.body());
    assertTrue(login.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
    for (String asset : List.of("dashboard.css", "dashboard.js", "login.js", "index.html")) {
      HttpResponse<String> a = call("GET", "/dashboard/assets/" + asset, null);
      assertEquals(200, a.statusCode(), asset);
      String body = a.body().replace("'http://www.w3.org/2000/svg'", ""); // a namespace name, not an address
      assertTrue(!body.contains("http://") && !body.contains("https://") && !body.contains("@import"),
          asset + " refers to nothing outside the relay");
    }
    assertEquals(404, call("GET", "/dashboard/assets/..%2Fsecret.txt", null).statusCode());
    HttpResponse<String> unsigned = call("GET", "/dashboard", null);
    assertEquals(303, unsigned.statusCode());
    assertEquals("/dashboard/login", unsigned.headers().firstValue("Location").orElseThrow());
  }

  @Test
  void theSignInCookieOpensTheApiAndStateChangesNeedTheCsrfToken() throws Exception {
    String cookie = cookieAfterSignIn(RelayTestSupport.ADMIN_TOKEN);
    assertEquals(200, call("GET", "/dashboard", null, "Cookie", cookie).statusCode());
    JsonNode session = JSON.readTree(call("GET", "/dashboard/api/session", null, "Cookie", cookie).body());
    assertEquals("admin", session.path("role").asText());
    assertEquals("Ops Bob (admin token)", session.path("who").asText());
    String csrf = session.path("csrf").asText();

    HttpResponse<String> noCsrf = call("POST", "/dashboard/api/pause", "{}", "Cookie", cookie);
    assertEquals(403, noCsrf.statusCode(), noCsrf.body());
    HttpResponse<String> foreign = call("POST", "/dashboard/api/pause", "{}", "Cookie", cookie,
        DashboardAuth.CSRF_HEADER, csrf, "Origin", "https://evil.example");
    assertEquals(403, foreign.statusCode(), foreign.body());
    HttpResponse<String> ok = call("POST", "/dashboard/api/pause", "{}", "Cookie", cookie, DashboardAuth.CSRF_HEADER, csrf,
        "Origin", relay.baseUrl());
    assertEquals(200, ok.statusCode(), ok.body());
    JsonNode ws = JSON.readTree(call("GET", "/dashboard/api/overview", null, "Cookie", cookie).body()).path("workspaces").get(0);
    assertTrue(ws.path("pause").path("paused").asBoolean(), ws.toString());
    assertEquals("Ops Bob (admin token)", ws.path("pause").path("by").asText());
    assertEquals("DOWN", ws.path("status").asText());
  }

  @Test
  void crossSiteSignInsAreRefusedAndTheCookieIsSecureBehindHttps() throws Exception {
    HttpResponse<String> crossSite = call("POST", "/dashboard/login", "token=" + RelayTestSupport.ADMIN_TOKEN,
        "Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "cross-site");
    assertEquals(403, crossSite.statusCode(), crossSite.body());
    assertTrue(crossSite.headers().allValues("Set-Cookie").isEmpty());
    HttpResponse<String> opaque = call("POST", "/dashboard/login", "token=" + RelayTestSupport.ADMIN_TOKEN,
        "Content-Type", "application/x-www-form-urlencoded", "Origin", "null");
    assertEquals(403, opaque.statusCode(), opaque.body());
    HttpResponse<String> https = call("POST", "/dashboard/login", "token=" + RelayTestSupport.ADMIN_TOKEN,
        "Content-Type", "application/x-www-form-urlencoded", "X-Forwarded-Proto", "https");
    assertEquals(303, https.statusCode());
    assertTrue(https.headers().allValues("Set-Cookie").stream().allMatch(c -> c.endsWith("; Secure")),
        https.headers().allValues("Set-Cookie").toString());
  }

  @Test
  void theAdminApisPauseAndResumeAreRecordedAsTheAdminToken() throws Exception {
    String bearer = "Bearer " + RelayTestSupport.ADMIN_TOKEN;
    assertEquals(200, call("POST", "/admin/pause", null, "Authorization", bearer).statusCode());
    JsonNode pause = JSON.readTree(call("GET", "/dashboard/api/overview", null, "Authorization", bearer).body())
        .path("workspaces").get(0).path("pause");
    assertTrue(pause.path("paused").asBoolean(), pause.toString());
    assertEquals("admin token (/admin API)", pause.path("by").asText());
    assertEquals(401, call("POST", "/admin/resume", null, "Authorization", "Bearer wrong-token").statusCode());
    pause = JSON.readTree(call("GET", "/dashboard/api/overview", null, "Authorization", bearer).body())
        .path("workspaces").get(0).path("pause");
    assertEquals("paused", pause.path("last_change").asText(), "a refused resume is not recorded");
    HttpResponse<String> proxied = call("POST", "/dashboard/api/resume", "{}", "Authorization", bearer,
        "Origin", "https://relay.example.com", "X-Forwarded-Host", "relay.example.com");
    assertEquals(200, proxied.statusCode(), "behind a proxy the forwarded host is this relay: " + proxied.body());
  }

  @Test
  void webhookDeadLettersAreListedAndTheAdminCanReplayAndPurgeThemButTheViewerCannot() throws Exception {
    relay.stop();
    byte[] key = "webhook-key-for-tests".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    // Forwarding on: an event whose id the JDK refuses as a header value cannot be sent and becomes
    // a webhook dead letter at once (the consumer URL is never called for it).
    io.ciorelay.server.webhook.WebhookReceiver webhooks = io.ciorelay.server.webhook.WebhookReceiver.start(
        io.ciorelay.server.webhook.WebhookConfig.builder().signingKey(key).storePath(dir.resolve("webhooks.db"))
            .forwardUrl(URI.create(sim.baseUrl() + "/consumer")).build(),
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    relay = RelayServer.builder(RelayTestSupport.config(sim, dir).dashboardViewerToken(VIEWER).build())
        .routes(webhooks::register).closeOnStop(webhooks).webhooks(() -> webhooks).build().start();
    for (String id : new String[] {"bad\\nid-1", "bad\\nid-2"}) {
      String body = "{\"event_id\":\"" + id + "\",\"object_type\":\"email\",\"metric\":\"opened\","
          + "\"timestamp\":1764633600,\"data\":{\"customer_id\":\"person-1\"}}";
      long ts = System.currentTimeMillis() / 1000;
      HttpResponse<String> r = call("POST", io.ciorelay.server.webhook.WebhookReceiver.PATH, body,
          "X-CIO-Timestamp", Long.toString(ts), "X-CIO-Signature",
          io.ciorelay.client.WebhookVerifier.sign(key, ts, body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      assertEquals(200, r.statusCode(), r.body());
    }
    String admin = "Bearer " + RelayTestSupport.ADMIN_TOKEN;
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> JSON.readTree(
        call("GET", "/dashboard/api/webhooks", null, "Authorization", admin).body()).path("dead_letter_count").asLong() == 2);
    String base = "/dashboard/api/webhooks/dead-letters";
    JsonNode list = JSON.readTree(call("GET", base, null, "Authorization", "Bearer " + VIEWER).body());
    assertEquals(2, list.path("total").asInt(), list.toString());
    JsonNode first = list.path("dead_letters").get(0);
    assertTrue(first.path("reason").asText().startsWith("cannot be sent: "), first.toString());
    assertEquals("opened", first.path("type").asText(), "the metric is the type");
    assertEquals(0, first.path("last_status").asInt(), "never answered: status 0");
    long id = first.path("id").asLong();
    JsonNode detail = JSON.readTree(call("GET", base + "/" + id, null, "Authorization", admin).body());
    assertEquals("email", detail.path("payload").path("object_type").asText(), detail.toString());
    assertEquals(404, call("GET", base + "/99999", null, "Authorization", admin).statusCode());
    JsonNode none = JSON.readTree(call("GET", base + "?person=nobody", null, "Authorization", admin).body());
    assertEquals(0, none.path("dead_letters").size(), "the person filter applies: " + none);
    JsonNode count = JSON.readTree(call("GET", base + "/count?type=opened&status=0", null, "Authorization", admin).body());
    assertEquals(2, count.path("matching").asInt(), count.toString());

    HttpResponse<String> viewer = call("POST", base + "/purge", "{\"ids\":[" + id + "]}", "Authorization", "Bearer " + VIEWER);
    assertEquals(403, viewer.statusCode(), viewer.body());
    HttpResponse<String> bad = call("POST", base + "/replay", "{\"ids\":[]}", "Authorization", admin);
    assertEquals(400, bad.statusCode(), bad.body());
    assertEquals("ids", JSON.readTree(bad.body()).path("field").asText());

    HttpResponse<String> purgedOne = call("POST", base + "/purge", "{\"ids\":[" + id + "]}", "Authorization", admin);
    assertEquals(200, purgedOne.statusCode(), purgedOne.body());
    assertEquals(1, JSON.readTree(purgedOne.body()).path("purged").asInt());
    HttpResponse<String> purgedAll = call("POST", base + "/purge", "{\"filter\":{\"type\":\"opened\"},\"up_to\":"
        + count.path("up_to").asLong() + ",\"as_of\":" + count.path("as_of").asLong() + "}", "Authorization", admin);
    assertEquals(200, purgedAll.statusCode(), purgedAll.body());
    assertEquals("{\"matched\":1,\"purged\":1}", purgedAll.body());
    assertEquals(0, webhooks.deadLetterCount());
  }

  @Test
  void everyStateChangingRouteRefusesACrossSiteRequestAndTheViewer() throws Exception {
    relay.stop();
    byte[] key = "webhook-key-for-tests".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    io.ciorelay.server.webhook.WebhookReceiver webhooks = io.ciorelay.server.webhook.WebhookReceiver.start(
        io.ciorelay.server.webhook.WebhookConfig.builder().signingKey(key).storePath(dir.resolve("webhooks.db")).build(),
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    relay = RelayServer.builder(RelayTestSupport.config(sim, dir).dashboardViewerToken(VIEWER).build())
        .routes(webhooks::register).closeOnStop(webhooks).webhooks(() -> webhooks).build().start();
    String cookie = cookieAfterSignIn(RelayTestSupport.ADMIN_TOKEN);
    String csrf = JSON.readTree(call("GET", "/dashboard/api/session", null, "Cookie", cookie).body()).path("csrf").asText();
    String ids = "{\"ids\":[1]}";
    Map<String, String> routes = new LinkedHashMap<>();
    routes.put("/dashboard/api/pause", "{}");
    routes.put("/dashboard/api/resume", "{}");
    routes.put("/dashboard/api/dead-letters/replay", ids);
    routes.put("/dashboard/api/dead-letters/purge", ids);
    routes.put("/dashboard/api/webhooks/dead-letters/replay", ids);
    routes.put("/dashboard/api/webhooks/dead-letters/purge", ids);
    for (Map.Entry<String, String> r : routes.entrySet()) {
      // What a form on another site can send: the browser adds the cookie, but not the CSRF header.
      HttpResponse<String> form = call("POST", r.getKey(), "x=1", "Cookie", cookie,
          "Content-Type", "application/x-www-form-urlencoded", "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site");
      assertEquals(403, form.statusCode(), r.getKey() + ": " + form.body());
      HttpResponse<String> noToken = call("POST", r.getKey(), r.getValue(), "Cookie", cookie, "Origin", relay.baseUrl());
      assertEquals(403, noToken.statusCode(), r.getKey() + ": " + noToken.body());
      assertEquals("csrf", JSON.readTree(noToken.body()).path("error").asText(), r.getKey());
      HttpResponse<String> stolenToken = call("POST", r.getKey(), r.getValue(), "Cookie", cookie,
          DashboardAuth.CSRF_HEADER, csrf, "Sec-Fetch-Site", "cross-site");
      assertEquals(403, stolenToken.statusCode(), r.getKey() + ": " + stolenToken.body());
      HttpResponse<String> wrongToken = call("POST", r.getKey(), r.getValue(), "Cookie", cookie,
          DashboardAuth.CSRF_HEADER, csrf + "x", "Origin", relay.baseUrl());
      assertEquals(403, wrongToken.statusCode(), r.getKey() + ": " + wrongToken.body());
      HttpResponse<String> sameSite = call("POST", r.getKey(), r.getValue(), "Cookie", cookie,
          DashboardAuth.CSRF_HEADER, csrf, "Origin", relay.baseUrl(), "Sec-Fetch-Site", "same-origin");
      assertEquals(200, sameSite.statusCode(), r.getKey() + " from the page itself: " + sameSite.body());
    }
    String viewerCookie = cookieAfterSignIn(VIEWER);
    String viewerCsrf = JSON.readTree(call("GET", "/dashboard/api/session", null, "Cookie", viewerCookie).body())
        .path("csrf").asText();
    for (Map.Entry<String, String> r : routes.entrySet()) {
      HttpResponse<String> bearer = call("POST", r.getKey(), r.getValue(), "Authorization", "Bearer " + VIEWER);
      assertEquals(403, bearer.statusCode(), r.getKey() + ": " + bearer.body());
      assertEquals("read_only", JSON.readTree(bearer.body()).path("error").asText(), r.getKey());
      HttpResponse<String> signedIn = call("POST", r.getKey(), r.getValue(), "Cookie", viewerCookie,
          DashboardAuth.CSRF_HEADER, viewerCsrf, "Origin", relay.baseUrl());
      assertEquals("read_only", JSON.readTree(signedIn.body()).path("error").asText(), r.getKey() + ": " + signedIn.body());
    }
    JsonNode pause = JSON.readTree(call("GET", "/dashboard/api/overview", null, "Cookie", viewerCookie).body())
        .path("workspaces").get(0).path("pause");
    assertEquals("resumed", pause.path("last_change").asText(), "the viewer's pause changed nothing: " + pause);
    HttpResponse<String> logout = call("POST", "/dashboard/logout", "", "Cookie", cookie, "Origin", "https://evil.example");
    assertEquals(403, logout.statusCode(), "a cross-site sign-out is refused too: " + logout.body());
  }

  @Test
  void aBearerTokenWorksForToolsAndTheViewerMayLookButNotAct() throws Exception {
    assertEquals(200, call("GET", "/dashboard/api/overview", null, "Authorization", "Bearer " + VIEWER).statusCode());
    HttpResponse<String> refused = call("POST", "/dashboard/api/dead-letters/replay", "{\"filter\":{},\"up_to\":10}",
        "Authorization", "Bearer " + VIEWER);
    assertEquals(403, refused.statusCode(), refused.body());
    assertEquals("read_only", JSON.readTree(refused.body()).path("error").asText());
    HttpResponse<String> admin = call("POST", "/dashboard/api/dead-letters/replay", "{\"filter\":{},\"up_to\":10}",
        "Authorization", "Bearer " + RelayTestSupport.ADMIN_TOKEN);
    assertEquals(200, admin.statusCode(), admin.body());
    assertEquals(401, call("GET", "/dashboard/api/overview", null, "Authorization", "Bearer wrong-token").statusCode());
    assertEquals(401, call("GET", "/dashboard/api/overview", null).statusCode());
    HttpResponse<String> wrong = call("POST", "/dashboard/login", "token=wrong-token",
        "Content-Type", "application/x-www-form-urlencoded");
    assertEquals("/dashboard/login?error=token", wrong.headers().firstValue("Location").orElseThrow());
  }

  @Test
  void onRedisTheOverviewShowsTheFleetsRelaysAndTheShardsEachHolds() throws Exception {
    try (RedisProcess redis = RedisProcess.sharedOrPrivate(dir)) {
      String prefix = "dash" + Long.toHexString(System.nanoTime());
      RelayServer onRedis = RelayServer.builder(RelayTestSupport.config(sim, dir.resolve("redis"))
          .store(URI.create(redis.uri(0))).storePrefix(prefix).storeShards(4).build()).build().start();
      RelayServer second = null;
      try {
        JsonNode fleet = fleet(onRedis);
        assertEquals("redis", JSON.readTree(overview(onRedis)).path("workspaces").get(0).path("store").path("kind").asText());
        assertEquals(4, fleet.path("shards").asInt(), fleet.toString());
        assertEquals(1, fleet.path("relays").size(), fleet.toString());
        JsonNode me = fleet.path("relays").get(0);
        assertTrue(me.path("this").asBoolean(), fleet.toString());
        assertEquals("[0,1,2,3]", me.path("shards").toString(), "a lone relay holds every shard");

        second = RelayServer.builder(RelayTestSupport.config(sim, dir.resolve("redis2"))
            .store(URI.create(redis.uri(0))).storePrefix(prefix).storeShards(4).build()).build().start();
        RelayServer other = second;
        // The second relay takes its share; the first relay's overview shows both and who holds what.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> {
          JsonNode f = fleet(onRedis);
          return f.path("relays").size() == 2 && f.path("relays").get(0).path("shards").size() == 2
              && f.path("relays").get(1).path("shards").size() == 2;
        });
        fleet = fleet(onRedis);
        java.util.Set<Integer> held = new java.util.TreeSet<>();
        int mine = 0;
        for (JsonNode r : fleet.path("relays")) {
          r.path("shards").forEach(n -> held.add(n.asInt()));
          mine += r.path("this").asBoolean() ? 1 : 0;
        }
        assertEquals(java.util.Set.of(0, 1, 2, 3), held, "every shard held by exactly one of the two: " + fleet);
        assertEquals(1, mine, "one of them is marked as this relay: " + fleet);
        assertEquals(fleet.path("this_relay").asText(), JSON.readTree(overview(onRedis)).path("workspaces").get(0)
            .path("store").path("fleet").path("this_relay").asText());
        JsonNode fromOther = fleet(other);
        assertTrue(!fromOther.path("this_relay").asText().equals(fleet.path("this_relay").asText()), fromOther.toString());
      } finally {
        if (second != null) {
          second.stop();
        }
        onRedis.stop();
        redis.deleteKeys(prefix);
      }
    }
  }

  static String overview(RelayServer relay) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(relay.baseUrl() + "/dashboard/api/overview"))
        .header("Authorization", "Bearer " + RelayTestSupport.ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  static JsonNode fleet(RelayServer relay) throws Exception {
    return JSON.readTree(overview(relay)).path("workspaces").get(0).path("store").path("fleet");
  }

  @Test
  void badFiltersAreRefusedNamingTheField() throws Exception {
    String bearer = "Bearer " + RelayTestSupport.ADMIN_TOKEN;
    HttpResponse<String> r = call("GET", "/dashboard/api/dead-letters?status=abc", null, "Authorization", bearer);
    assertEquals(400, r.statusCode());
    assertEquals("status", JSON.readTree(r.body()).path("field").asText());
    r = call("GET", "/dashboard/api/dead-letters?from=yesterday", null, "Authorization", bearer);
    assertEquals("from", JSON.readTree(r.body()).path("field").asText(), r.body());
    r = call("POST", "/dashboard/api/dead-letters/purge", "{\"ids\":[1],\"filter\":{}}", "Authorization", bearer);
    assertEquals(400, r.statusCode(), r.body());
  }
}
