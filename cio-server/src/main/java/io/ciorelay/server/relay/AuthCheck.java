package io.ciorelay.server.relay;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Constant-time credential checks: Track API Basic auth ({@code site_id:api_key}) and the admin
 * bearer token. Both sides are hashed with SHA-256 and compared with {@link MessageDigest#isEqual},
 * so neither the content nor the length of the secret leaks through timing. Immutable and thread-safe.
 */
public final class AuthCheck {
  private final byte[] expected;

  private AuthCheck(String secret) {
    this.expected = sha256(secret);
  }

  /** Accepts {@code Authorization: Basic base64(siteId:apiKey)}. */
  static AuthCheck basic(String siteId, String apiKey) {
    return new AuthCheck(siteId + ":" + apiKey);
  }

  /** Accepts {@code Authorization: Bearer token}. */
  public static AuthCheck bearer(String token) {
    return new AuthCheck(token);
  }

  /** Whether {@code candidate} is the secret itself (no scheme prefix); false for null. */
  public boolean matches(String candidate) {
    return candidate != null && MessageDigest.isEqual(expected, sha256(candidate));
  }

  boolean basicMatches(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(header.substring(6).trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(expected, sha256(new String(decoded, StandardCharsets.UTF_8)));
  }

  public boolean bearerMatches(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(expected, sha256(header.substring(7).trim()));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
