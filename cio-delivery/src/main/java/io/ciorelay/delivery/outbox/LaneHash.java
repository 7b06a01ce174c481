package io.ciorelay.delivery.outbox;

import java.nio.charset.StandardCharsets;

/**
 * Maps a person key to a lane: FNV-1a (32-bit) over the key's UTF-8 bytes, finished with
 * MurmurHash3's fmix32 so the low bits mix well, then floor-mod the lane count. Written out here
 * (rather than {@code String.hashCode}) so any engine or tool, in any language, can compute the
 * same lane from the bytes; the webhook store uses it too. Stateless and thread-safe.
 */
public final class LaneHash {
  private LaneHash() {}

  /** The 32-bit hash of a person key. */
  public static int hash(String personKey) {
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
    return h;
  }

  /** The lane of a person key among {@code lanes} lanes. */
  public static int lane(String personKey, int lanes) {
    return Math.floorMod(hash(personKey), lanes);
  }
}
