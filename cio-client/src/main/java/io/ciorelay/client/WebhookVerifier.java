package io.ciorelay.client;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies that a Customer.io reporting webhook really came from Customer.io.
 *
 * <p>{@code X-CIO-Signature} must be the hex HMAC-SHA256, keyed with the webhook signing key, of
 * {@code "v0:" + X-CIO-Timestamp + ":" + raw body bytes}. Hex is accepted in either case; the
 * comparison is constant-time ({@link MessageDigest#isEqual}). A timestamp further than the
 * tolerance from the clock, in either direction, is rejected as stale (default
 * {@link #DEFAULT_TOLERANCE}, 5 minutes). Verify the raw bytes as received, never re-serialised
 * JSON. The key is copied and never printed. Immutable and thread-safe.
 */
public final class WebhookVerifier {
    /** Default tolerance between the webhook timestamp and the local clock: 5 minutes. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);
    private static final String ALGORITHM = "HmacSHA256";

    private final byte[] signingKey;
    private final Duration tolerance;
    private final Clock clock;

    /** Why a webhook was accepted or rejected. */
    public enum Reason {
        /** Signature valid and timestamp within tolerance. */
        OK,
        /** The timestamp or signature header is missing or blank. */
        MISSING_HEADER,
        /** The timestamp is not a whole number of unix seconds. */
        MALFORMED_TIMESTAMP,
        /** The signature is valid but the timestamp is outside the tolerance. */
        STALE_TIMESTAMP,
        /** The signature is not hex or does not match. */
        BAD_SIGNATURE
    }

    /**
     * The outcome of {@link #verify}.
     *
     * @param valid true only when reason is {@link Reason#OK}
     * @param reason why
     */
    public record Verification(boolean valid, Reason reason) {
        static Verification of(Reason reason) {
            return new Verification(reason == Reason.OK, reason);
        }
    }

    /**
     * Creates a verifier with the default tolerance and the system UTC clock.
     *
     * @throws IllegalArgumentException if the key is null or empty
     */
    public WebhookVerifier(byte[] signingKey) {
        this(signingKey, DEFAULT_TOLERANCE, Clock.systemUTC());
    }

    /**
     * Creates a verifier.
     *
     * @param signingKey the webhook signing key (copied)
     * @param tolerance the largest accepted difference between timestamp and clock
     * @param clock the clock to compare timestamps against
     * @throws IllegalArgumentException if the key is null or empty, the tolerance not positive or the clock null
     */
    public WebhookVerifier(byte[] signingKey, Duration tolerance, Clock clock) {
        if (signingKey == null || signingKey.length == 0) {
            throw new IllegalArgumentException("signingKey must not be empty");
        }
        if (tolerance == null || tolerance.isZero() || tolerance.isNegative()) {
            throw new IllegalArgumentException("tolerance must be positive but was " + tolerance);
        }
        if (clock == null) {
            throw new IllegalArgumentException("clock must not be null but was null");
        }
        this.signingKey = signingKey.clone();
        this.tolerance = tolerance;
        this.clock = clock;
    }

    /**
     * Verifies one webhook request.
     *
     * @param timestampHeader the {@code X-CIO-Timestamp} value (unix seconds), may be null
     * @param signatureHeader the {@code X-CIO-Signature} value, may be null
     * @param rawBody the body exactly as received
     * @throws NullPointerException if rawBody is null
     */
    public Verification verify(String timestampHeader, String signatureHeader, byte[] rawBody) {
        Objects.requireNonNull(rawBody, "rawBody");
        if (timestampHeader == null || timestampHeader.isBlank() || signatureHeader == null || signatureHeader.isBlank()) {
            return Verification.of(Reason.MISSING_HEADER);
        }
        String ts = timestampHeader.trim();
        long timestamp;
        if (ts.length() > 18 || !ts.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Verification.of(Reason.MALFORMED_TIMESTAMP);
        }
        timestamp = Long.parseLong(ts);
        byte[] given = decodeHex(signatureHeader.trim());
        byte[] expected = hmac(signingKey, ts, rawBody);
        if (given == null || !MessageDigest.isEqual(expected, given)) {
            return Verification.of(Reason.BAD_SIGNATURE);
        }
        long skew = Math.abs(clock.instant().getEpochSecond() - timestamp);
        if (skew > tolerance.toSeconds()) {
            return Verification.of(Reason.STALE_TIMESTAMP);
        }
        return Verification.of(Reason.OK);
    }

    /** Returns the lowercase hex signature Customer.io would send for this key, timestamp and body. */
    public static String sign(byte[] key, long timestamp, byte[] body) {
        if (key == null || key.length == 0) {
            throw new IllegalArgumentException("key must not be empty");
        }
        byte[] mac = hmac(key, Long.toString(timestamp), Objects.requireNonNull(body, "body"));
        StringBuilder sb = new StringBuilder(mac.length * 2);
        for (byte b : mac) {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }

    private static byte[] hmac(byte[] key, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e); // every Java SE runtime has it
        }
    }

    /** Decodes hex (either case); null when the length is odd or a character is not hex. */
    private static byte[] decodeHex(String s) {
        if (s.length() % 2 != 0) {
            return null;
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = hexValue(s.charAt(2 * i));
            int lo = hexValue(s.charAt(2 * i + 1));
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    private static int hexValue(char c) { // ASCII only; Character.digit would accept other scripts' digits
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    @Override
    public String toString() {
        return "WebhookVerifier{tolerance=" + tolerance + ", signingKey=****}";
    }
}
