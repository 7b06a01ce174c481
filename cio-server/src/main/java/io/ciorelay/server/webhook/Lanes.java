package io.ciorelay.server.webhook;

import java.nio.charset.StandardCharsets;

/**
 * Maps a person key to a lane: FNV-1a (32-bit) over the key's UTF-8 bytes, finished with
 * MurmurHash3's fmix32, floor-mod the lane count (the same function the delivery outbox uses, so
 * tools can compute lanes from the bytes). Stateless and thread-safe.
 */
final class Lanes {
  private Lanes() {}

  static int of(String personKey, int lanes) {
    byte[] bytes = personKey.getBytes(StandardCharsets.UTF_8);
    int h = 0x811c9dc5;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return Math.floorMod(h, lanes);
  }
}
