package io.ciorelay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ConfigTest {
    private static final Credentials CREDS = Credentials.of("site-abc", "topsecretkey");

    @Test
    void regionsHaveTheirTrackHosts() {
        assertEquals(URI.create("https://track.customer.io"), Region.US.trackBaseUrl());
        assertEquals(URI.create("https://track-eu.customer.io"), Region.EU.trackBaseUrl());
    }

    @Test
    void defaults() {
        TrackClientConfig c = TrackClientConfig.builder().credentials(CREDS).build();
        assertEquals(URI.create("https://track.customer.io"), c.baseUrl());
        assertEquals(Duration.ofSeconds(5), c.connectTimeout());
        assertEquals(Duration.ofSeconds(10), c.requestTimeout());
        assertEquals(TrackClientConfig.DEFAULT_CONNECT_TIMEOUT, c.connectTimeout());
        assertEquals(TrackClientConfig.DEFAULT_REQUEST_TIMEOUT, c.requestTimeout());
        assertEquals("cio-relay-java/" + TrackClientConfig.VERSION, c.userAgent());
        assertFalse(TrackClientConfig.VERSION.equals("unknown"));
        assertTrue(c.executor().isEmpty());
    }

    @Test
    void regionAndBaseUrl() {
        assertEquals(URI.create("https://track-eu.customer.io"),
                TrackClientConfig.builder().credentials(CREDS).region(Region.EU).build().baseUrl());
        TrackClientConfig c = TrackClientConfig.builder().credentials(CREDS).region(Region.EU)
                .baseUrl(URI.create("http://127.0.0.1:8080/")).build();
        assertEquals(URI.create("http://127.0.0.1:8080"), c.baseUrl());
    }

    @Test
    void settersRejectBadValuesNamingFieldAndValue() {
        TrackClientConfig.Builder b = TrackClientConfig.builder();
        assertEquals("connectTimeout must be positive but was PT0S",
                assertThrows(IllegalArgumentException.class, () -> b.connectTimeout(Duration.ZERO)).getMessage());
        assertEquals("requestTimeout must be positive but was PT-1S",
                assertThrows(IllegalArgumentException.class, () -> b.requestTimeout(Duration.ofSeconds(-1))).getMessage());
        assertEquals("requestTimeout must be positive but was null",
                assertThrows(IllegalArgumentException.class, () -> b.requestTimeout(null)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.baseUrl(URI.create("ftp://x")))
                .getMessage().startsWith("baseUrl must be"));
        assertThrows(IllegalArgumentException.class, () -> b.baseUrl(URI.create("/relative")));
        assertThrows(IllegalArgumentException.class, () -> b.baseUrl(URI.create("http://h/?q=1")));
        assertThrows(IllegalArgumentException.class, () -> b.baseUrl(null));
        IllegalArgumentException userInfo = assertThrows(IllegalArgumentException.class,
                () -> b.baseUrl(URI.create("http://site:topsecretkey@h")));
        assertFalse(userInfo.getMessage().contains("topsecretkey"), userInfo.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.userAgent(" "));
        assertThrows(IllegalArgumentException.class, () -> b.userAgent("a\r\nX-Evil: 1"));
        assertThrows(IllegalArgumentException.class, () -> b.credentials(null));
        assertThrows(IllegalArgumentException.class, () -> b.region(null));
        assertThrows(IllegalArgumentException.class, () -> b.executor(null));
        assertThrows(IllegalArgumentException.class, () -> b.clock(null));
        assertEquals("credentials must be set but was null",
                assertThrows(IllegalStateException.class, b::build).getMessage());
    }

    @Test
    void credentialsNeverShowTheKey() {
        assertEquals("Credentials{siteId=site-abc, apiKey=****}", CREDS.toString());
        String config = TrackClientConfig.builder().credentials(CREDS).build().toString();
        assertFalse(config.contains("topsecretkey"), config);
        assertTrue(config.contains("apiKey=****"), config);
        assertEquals("Basic " + Base64.getEncoder().encodeToString("site-abc:topsecretkey".getBytes(StandardCharsets.UTF_8)),
                CREDS.basicAuthorization());
        assertFalse(config.contains(CREDS.basicAuthorization().substring(6)), config);
        assertEquals("site-abc", CREDS.siteId());
        assertEquals("topsecretkey", CREDS.apiKey());
    }

    @Test
    void credentialsRejectBlankWithoutEchoingTheKey() {
        assertThrows(IllegalArgumentException.class, () -> Credentials.of(null, "k"));
        assertThrows(IllegalArgumentException.class, () -> Credentials.of(" ", "k"));
        assertThrows(IllegalArgumentException.class, () -> Credentials.of("s", null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Credentials.of("s", "  "));
        assertEquals("apiKey must not be blank", e.getMessage());
    }

    @Test
    void clientCreateRequiresConfig() {
        assertThrows(NullPointerException.class, () -> TrackClient.create(null));
    }

    @Test
    void apiRequestRejectsBadMethodOrPath() {
        assertThrows(IllegalArgumentException.class, () -> new ApiRequest(null, "/x", null));
        assertThrows(IllegalArgumentException.class, () -> new ApiRequest("GET", "x", null));
        assertThrows(IllegalArgumentException.class, () -> new ApiRequest("GET", null, null));
    }
}
