package io.ciorelay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.client.WebhookVerifier.Reason;
import io.ciorelay.client.WebhookVerifier.Verification;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookVerifierTest {
    private static final byte[] KEY = "secret".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY = "{\"metric\":\"sent\"}".getBytes(StandardCharsets.UTF_8);
    // printf 'v0:1700000000:{"metric":"sent"}' | openssl dgst -sha256 -hmac secret
    private static final String KNOWN = "c59dacf496db210099be7509d6836d751fc621b7f44b2bab6c50f197895656ca";
    private static final long TS = 1_700_000_000L;

    private static WebhookVerifier at(long epochSecond) {
        return new WebhookVerifier(KEY, Duration.ofMinutes(5), Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
    }

    @Test
    void signMatchesTheOpensslVector() {
        assertEquals(KNOWN, WebhookVerifier.sign(KEY, TS, BODY));
    }

    @Test
    void knownVectorVerifies() {
        assertEquals(new Verification(true, Reason.OK), at(TS).verify("1700000000", KNOWN, BODY));
    }

    @Test
    void uppercaseHexAndSurroundingSpacesAreAccepted() {
        assertTrue(at(TS).verify(" 1700000000 ", " " + KNOWN.toUpperCase() + " ", BODY).valid());
    }

    @ParameterizedTest
    @CsvSource(nullValues = "NULL", value = {"NULL, " + KNOWN, "'', " + KNOWN, "' ', " + KNOWN, "1700000000, NULL",
        "1700000000, ''"})
    void missingHeaders(String ts, String sig) {
        assertEquals(new Verification(false, Reason.MISSING_HEADER), at(TS).verify(ts, sig, BODY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "17000000.0", "-1700000000", "+1700000000", "1e9", "0x65", "99999999999999999999999",
        "１７００００００００"})
    void malformedTimestamps(String ts) {
        assertEquals(Reason.MALFORMED_TIMESTAMP, at(TS).verify(ts, KNOWN, BODY).reason());
    }

    @Test
    void staleTimestampsInEitherDirection() {
        assertEquals(Reason.OK, at(TS + 300).verify("1700000000", KNOWN, BODY).reason());
        assertEquals(Reason.OK, at(TS - 300).verify("1700000000", KNOWN, BODY).reason());
        assertEquals(Reason.STALE_TIMESTAMP, at(TS + 301).verify("1700000000", KNOWN, BODY).reason());
        assertEquals(Reason.STALE_TIMESTAMP, at(TS - 301).verify("1700000000", KNOWN, BODY).reason());
        assertFalse(at(TS + 301).verify("1700000000", KNOWN, BODY).valid());
    }

    @Test
    void toleranceIsConfigurable() {
        WebhookVerifier wide = new WebhookVerifier(KEY, Duration.ofDays(1),
                Clock.fixed(Instant.ofEpochSecond(TS + 3600), ZoneOffset.UTC));
        assertTrue(wide.verify("1700000000", KNOWN, BODY).valid());
    }

    @Test
    void wrongSignatures() {
        WebhookVerifier v = at(TS);
        String flipped = (KNOWN.charAt(0) == 'c' ? "d" : "c") + KNOWN.substring(1);
        assertEquals(Reason.BAD_SIGNATURE, v.verify("1700000000", flipped, BODY).reason());
        assertEquals(Reason.BAD_SIGNATURE, v.verify("1700000000", KNOWN.substring(1), BODY).reason()); // odd length
        assertEquals(Reason.BAD_SIGNATURE, v.verify("1700000000", KNOWN.substring(2), BODY).reason()); // short
        assertEquals(Reason.BAD_SIGNATURE, v.verify("1700000000", KNOWN + "00", BODY).reason()); // long
        assertEquals(Reason.BAD_SIGNATURE, v.verify("1700000000", "zz" + KNOWN.substring(2), BODY).reason());
        assertEquals(Reason.BAD_SIGNATURE, v.verify("1700000000", "v0=" + KNOWN, BODY).reason());
        // signed for another timestamp, body or key
        assertEquals(Reason.BAD_SIGNATURE, v.verify("1700000001", KNOWN, BODY).reason());
        assertEquals(Reason.BAD_SIGNATURE, v.verify("1700000000", KNOWN, "{\"metric\":\"sent\"} ".getBytes()).reason());
        assertEquals(Reason.BAD_SIGNATURE, new WebhookVerifier("other".getBytes(), Duration.ofMinutes(5),
                Clock.fixed(Instant.ofEpochSecond(TS), ZoneOffset.UTC)).verify("1700000000", KNOWN, BODY).reason());
    }

    @Test
    void badConstructionIsRejected() {
        Clock c = Clock.systemUTC();
        assertThrows(IllegalArgumentException.class, () -> new WebhookVerifier(null, Duration.ofMinutes(1), c));
        assertThrows(IllegalArgumentException.class, () -> new WebhookVerifier(new byte[0], Duration.ofMinutes(1), c));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WebhookVerifier(KEY, Duration.ZERO, c));
        assertEquals("tolerance must be positive but was PT0S", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new WebhookVerifier(KEY, null, c));
        assertThrows(IllegalArgumentException.class, () -> new WebhookVerifier(KEY, Duration.ofMinutes(1), null));
        assertThrows(NullPointerException.class, () -> at(TS).verify("1700000000", KNOWN, null));
        assertFalse(new WebhookVerifier(KEY).toString().contains("secret"));
    }

    @Test
    void keyIsCopied() {
        byte[] key = "secret".getBytes(StandardCharsets.UTF_8);
        WebhookVerifier v = new WebhookVerifier(key, Duration.ofMinutes(5), Clock.fixed(Instant.ofEpochSecond(TS), ZoneOffset.UTC));
        key[0] = 'X';
        assertTrue(v.verify("1700000000", KNOWN, BODY).valid());
    }
}
