package io.ciorelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A small test client over java.net.http for calling the simulator on real sockets. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final CioSimulator sim;
  private String auth;

  Http(CioSimulator sim) {
    this.sim = sim;
    this.auth = sim.authorizationHeader();
  }

  static String basic(String site, String key) {
    return "Basic " + Base64.getEncoder().encodeToString((site + ":" + key).getBytes(StandardCharsets.UTF_8));
  }

  Http withAuth(String header) {
    Http h = new Http(sim);
    h.auth = header;
    return h;
  }

  HttpResponse<String> send(String method, String path, String body) {
    return send(method, path, body, Duration.ofSeconds(10));
  }

  HttpRequest.Builder request(String method, String path, String body, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.baseUrl() + path)).timeout(timeout)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .header("Content-Type", "application/json");
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return b;
  }

  HttpResponse<String> send(String method, String path, String body, Duration timeout) {
    return send(request(method, path, body, timeout).build());
  }

  static HttpResponse<String> send(HttpRequest request) {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> post(String path, String body) {
    return send("POST", path, body);
  }

  HttpResponse<String> put(String path, String body) {
    return send("PUT", path, body);
  }

  HttpResponse<String> delete(String path) {
    return send("DELETE", path, null);
  }

  HttpResponse<String> get(String path) {
    return send("GET", path, null);
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Single quotes to double quotes, for readable JSON literals in tests. */
  static String q(String s) {
    return s.replace('\'', '"');
  }
}
