package io.ciorelay.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitTest {

  @Test
  void concurrentClientsNeverGetMoreThanTheLimitPerSecond() throws Exception {
    try (CioSimulator sim = CioSimulator.builder().rateLimit(20).build().start()) {
      Http http = new Http(sim);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          int n = i;
          results.add(pool.submit(() -> http.post("/api/v1/customers/" + n + "/events", "{\"name\":\"e\"}").statusCode()));
        }
        int ok = 0;
        int limited = 0;
        for (Future<Integer> f : results) {
          int status = f.get();
          if (status == 200) {
            ok++;
          } else {
            assertEquals(429, status);
            limited++;
          }
        }
        SimulatorStats stats = sim.stats();
        assertTrue(limited > 0, "200 fast requests must hit a limit of 20/s");
        assertEquals(ok, sim.records().count(), "rejected requests are not recorded");
        assertEquals(ok, stats.count(200));
        assertEquals(limited, stats.count(429));
        assertTrue(stats.peakAdmittedPerSecond() <= 20, "peak " + stats.peakAdmittedPerSecond());
        assertTrue(stats.peakRequestsPerSecond() > 20, "arrivals peak " + stats.peakRequestsPerSecond());
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void retryAfterCanBeSwitchedOffAndOn() {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    try (CioSimulator sim = CioSimulator.builder().rateLimit(1).retryAfter(false).ticker(now::get).build().start()) {
      Http http = new Http(sim);
      assertEquals(200, http.delete("/api/v1/customers/1").statusCode());
      HttpResponse<String> limited = http.delete("/api/v1/customers/1");
      assertEquals(429, limited.statusCode());
      assertEquals("rate limit exceeded", Http.json(limited).at("/meta/errors/0").asText());
      assertNull(limited.headers().firstValue("Retry-After").orElse(null));

      sim.faults().retryAfter(true);
      HttpResponse<String> withHeader = http.delete("/api/v1/customers/1");
      assertEquals(429, withHeader.statusCode());
      assertEquals("1", withHeader.headers().firstValue("Retry-After").orElseThrow());

      now.addAndGet(1_000_000_000L);
      assertEquals(200, http.delete("/api/v1/customers/1").statusCode(), "a second later the window is free");
      assertEquals(2, sim.records().count());
    }
  }

  @Test
  void rateLimitIsChangeableAtRunTimeAndZeroIsUnlimited() {
    AtomicLong now = new AtomicLong();
    try (CioSimulator sim = CioSimulator.builder().rateLimit(0).ticker(now::get).build().start()) {
      Http http = new Http(sim);
      for (int i = 0; i < 150; i++) {
        assertEquals(200, http.delete("/api/v1/customers/" + i).statusCode());
      }
      assertEquals(150, sim.stats().peakAdmittedPerSecond());
      sim.faults().rateLimit(1);
      assertEquals(429, http.delete("/api/v1/customers/z").statusCode(), "the last second already had 150");
      now.addAndGet(1_000_000_000L);
      assertEquals(200, http.delete("/api/v1/customers/x").statusCode());
      assertEquals(429, http.delete("/api/v1/customers/y").statusCode());
      assertEquals(151, sim.records().count());
    }
  }
}
