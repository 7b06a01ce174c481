package io.ciorelay.spring.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.spring.CioRuntime;
import io.ciorelay.simulator.RecordedOperation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;

/**
 * A real application on this module's Boot version (web, actuator and the starter, configured by
 * properties alone) on a random port: every call it accepts reaches the simulator, and
 * {@code customerio} shows in {@code /actuator/health} and {@code cio.operations.accepted} in
 * {@code /actuator/metrics}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = DemoApplication.class,
    properties = {
        "cio.simulator.enabled=true",
        "cio.linger=10ms",
        "management.endpoints.web.exposure.include=health,metrics",
        "management.endpoint.health.show-details=always"})
class DemoApplicationTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  @Autowired Environment env;
  @Autowired ApplicationContext context;
  @Autowired CioSimulator simulator;

  @Test
  void deliversEveryAcceptedCallAndShowsHealthAndMeters() throws Exception {
    int calls = 20;
    for (int i = 0; i < calls; i++) {
      HttpResponse<String> r = post("/signup/web-" + i);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("ACCEPTED");
    }
    await().atMost(Duration.ofSeconds(20)).until(() ->
        simulator.records().count(RecordedOperation.Action.EVENT) == calls
            && simulator.records().count(RecordedOperation.Action.IDENTIFY) == calls);
    for (int i = 0; i < calls; i++) {
      assertThat(simulator.records().forPerson("web-" + i)).hasSize(2);
    }

    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    JsonNode customerio = JSON.readTree(health.body()).path("components").path("customerio");
    assertThat(customerio.path("status").asText()).isEqualTo("UP");
    assertThat(customerio.path("details").path("delivery").asText()).isEqualTo("UP");
    HttpResponse<String> one = get("/actuator/health/customerio");
    assertThat(one.statusCode()).isEqualTo(200);
    JsonNode details = JSON.readTree(one.body()).path("details");
    assertThat(details.path("backlog").asLong(-1)).isZero();
    assertThat(details.path("breakerState").asText()).isEqualTo("CLOSED");

    HttpResponse<String> accepted = get("/actuator/metrics/cio.operations.accepted");
    assertThat(accepted.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(accepted.body()).path("measurements").get(0).path("value").asDouble())
        .isEqualTo(2.0 * calls);
  }

  @Test
  void deliveryClosesAfterTheWebServerStopsTakingRequests() {
    int cio = context.getBean(CioRuntime.class).getPhase();
    Map<String, SmartLifecycle> web = new java.util.TreeMap<>(context.getBeansOfType(SmartLifecycle.class));
    web.values().removeIf(l -> !l.getClass().getName().contains("WebServer"));
    assertThat(web).as("Boot's web server lifecycles").hasSizeGreaterThanOrEqualTo(2);
    // Lifecycles stop from the highest phase down: the web server's (and its graceful shutdown) first.
    web.forEach((name, l) -> assertThat(l.getPhase()).as(name).isGreaterThan(cio));
  }

  private HttpResponse<String> post(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(url(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(url(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + env.getProperty("local.server.port") + path);
  }
}
