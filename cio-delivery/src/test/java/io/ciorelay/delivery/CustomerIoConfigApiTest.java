package io.ciorelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.client.Region;
import org.junit.jupiter.api.Test;

/** Choosing the API in {@link CustomerIoConfig}: base URLs, credentials, the write key and the rate-limit default. */
class CustomerIoConfigApiTest {

  @Test
  void theTrackApiIsTheDefaultWithItsBaseUrlsAndRateLimit() {
    CustomerIoConfig c = CustomerIoConfig.builder().credentials("s", "k").build();
    assertEquals(Api.TRACK_V2, c.api());
    assertEquals("https://track.customer.io", c.client().baseUrl().toString());
    assertEquals(100, c.rateLimit().requestsPerSecond());
    assertNull(c.pipelinesWriteKey());
  }

  @Test
  void thePipelinesApiNeedsOnlyAWriteKeyAndUsesTheCdpHostsAndItsRateLimit() {
    CustomerIoConfig us = CustomerIoConfig.builder().api(Api.PIPELINES).pipelinesWriteKey("wk-secret").build();
    assertEquals("https://cdp.customer.io", us.client().baseUrl().toString());
    assertEquals(1000, us.rateLimit().requestsPerSecond());
    assertEquals(0.8, us.rateLimit().headroom());
    assertFalse(us.toString().contains("wk-secret"), us.toString());
    assertTrue(us.toString().contains("api=PIPELINES"), us.toString());
    CustomerIoConfig eu = CustomerIoConfig.builder().api(Api.PIPELINES).pipelinesWriteKey("wk").region(Region.EU).build();
    assertEquals("https://cdp-eu.customer.io", eu.client().baseUrl().toString());
    CustomerIoConfig custom = CustomerIoConfig.builder().api(Api.PIPELINES).pipelinesWriteKey("wk")
        .baseUrl("http://127.0.0.1:8080").rateLimit(50, 1).build();
    assertEquals("http://127.0.0.1:8080", custom.client().baseUrl().toString());
    assertEquals(50, custom.rateLimit().requestsPerSecond(), "a limit that is set wins");
  }

  @Test
  void badChoicesAreRefusedNamingTheSetting() {
    assertEquals("pipelinesWriteKey must be set when api is PIPELINES",
        assertThrows(IllegalArgumentException.class, () -> CustomerIoConfig.builder().api(Api.PIPELINES).build())
            .getMessage());
    IllegalArgumentException colon = assertThrows(IllegalArgumentException.class,
        () -> CustomerIoConfig.builder().pipelinesWriteKey("a:secret"));
    assertFalse(colon.getMessage().contains("secret"), colon.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CustomerIoConfig.builder().pipelinesWriteKey(" "));
    assertEquals("credentials must be set (site id and API key)",
        assertThrows(IllegalArgumentException.class, () -> CustomerIoConfig.builder().build()).getMessage());
    assertEquals(Api.PIPELINES, Api.parse("Pipelines"));
    assertEquals(Api.TRACK_V2, Api.parse("track"));
    assertThrows(IllegalArgumentException.class, () -> Api.parse("cdp"));
  }
}
