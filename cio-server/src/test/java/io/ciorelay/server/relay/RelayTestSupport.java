package io.ciorelay.server.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.delivery.breaker.BreakerConfig;
import io.ciorelay.delivery.ratelimit.RateLimitConfig;
import io.ciorelay.delivery.retry.RetryConfig;
import io.ciorelay.simulator.CioSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/** Shared set-up for relay tests: a relay config pointed at a simulator, and a small HTTP client. */
public final class RelayTestSupport {
  public static final String ADMIN_TOKEN = "admin-token-for-tests";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private RelayTestSupport() {}

  /** Test-friendly timings: short linger, quick retries, a breaker that opens after 3 failures and waits 1 s. */
  public static RelayConfig.Builder config(CioSimulator sim, Path dir) {
    return RelayConfig.builder()
        .host("127.0.0.1")
        .port(0)
        .dataDir(dir)
        .target(URI.create(sim.baseUrl()))
        .credentials(sim.siteId(), sim.apiKey())
        .adminToken(ADMIN_TOKEN)
        .linger(Duration.ofMillis(20))
        .requestTimeout(Duration.ofSeconds(2))
        .shutdownTimeout(Duration.ofSeconds(5))
        .rateLimit(RateLimitConfig.of(1000, 1))
        .retry(RetryConfig.builder().baseDelay(Duration.ofMillis(100)).maxDelay(Duration.ofMillis(500)).build())
        .breaker(BreakerConfig.builder().failureThreshold(3).openWait(Duration.ofSeconds(1)).build());
  }

  /** An SSL context that trusts any certificate (tests of the relay's own test certificate only). */
  static javax.net.ssl.SSLContext trustAll() {
    try {
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
          return new java.security.cert.X509Certificate[0];
        }
      }}, null);
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  record Reply(int status, String body, HttpResponse<String> raw) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  static String basic(String site, String key) {
    return "Basic " + Base64.getEncoder().encodeToString((site + ":" + key).getBytes(StandardCharsets.UTF_8));
  }

  static Reply send(String method, String url, String auth, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (auth != null) {
      b.header("Authorization", auth);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Reply(r.statusCode(), r.body(), r);
  }

  static Reply send(String method, String url, String auth, String body) throws Exception {
    return send(method, url, auth, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }
}
