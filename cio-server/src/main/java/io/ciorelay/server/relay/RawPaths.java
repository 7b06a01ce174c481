package io.ciorelay.server.relay;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Checks a request's raw (still percent-encoded) path before any route reads a path parameter:
 * every {@code %} must start a two-digit hex escape and the escapes must spell UTF-8. Decoded
 * leniently, {@code %FF} would become the id {@code "\uFFFD"} and be queued for a person nobody
 * named. Stateless and thread-safe.
 */
final class RawPaths {
  private RawPaths() {}

  /** @throws ApiError 400 naming the offending escape when the path is not well-formed UTF-8 */
  static void requireValid(String rawPath, ApiError.Shape shape) {
    if (rawPath == null || rawPath.indexOf('%') < 0) {
      return;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(rawPath.length());
    for (int i = 0; i < rawPath.length(); i++) {
      char c = rawPath.charAt(i);
      if (c != '%') {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        continue;
      }
      int hi = i + 2 < rawPath.length() ? Character.digit(rawPath.charAt(i + 1), 16) : -1;
      int lo = hi >= 0 ? Character.digit(rawPath.charAt(i + 2), 16) : -1;
      if (lo < 0) {
        throw ApiError.of(400, shape, "invalid", "path", "path: '%' at offset " + i
            + " does not start a two-digit hex escape (write a literal % as %25)");
      }
      bytes.write(hi * 16 + lo);
      i += 2;
    }
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()));
    } catch (CharacterCodingException e) {
      throw ApiError.of(400, shape, "invalid", "path", "path: the percent-escapes in '" + abbreviate(rawPath)
          + "' are not UTF-8; encode ids as UTF-8 bytes (for example ü as %C3%BC)");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
