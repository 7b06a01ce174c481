package io.ciorelay.redis;

import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A Lua script loaded from this package's resources, with its SHA-1 for {@code EVALSHA}. Immutable. */
final class Script {
  static final Script APPEND = outbox("append", ScriptOutputType.INTEGER);
  static final Script PEEK = outbox("peek", ScriptOutputType.MULTI);
  static final Script ACK = outbox("ack", ScriptOutputType.MULTI);
  static final Script RECORD_FAILURE = outbox("record_failure", ScriptOutputType.INTEGER);
  static final Script DEAD_LETTER = outbox("dead_letter", ScriptOutputType.MULTI);
  static final Script REPLAY = outbox("replay", ScriptOutputType.INTEGER);
  static final Script PURGE = outbox("purge", ScriptOutputType.INTEGER);
  static final Script DEAD_LETTERS = outbox("dead_letters", ScriptOutputType.MULTI);
  static final Script REPLAYED_AS = outbox("replayed_as", ScriptOutputType.MULTI);
  static final Script OLDEST = outbox("oldest", ScriptOutputType.MULTI);
  static final Script TOTALS = outbox("totals", ScriptOutputType.MULTI);
  static final Script TICK = outbox("tick", ScriptOutputType.MULTI);
  static final Script RELEASE = outbox("release", ScriptOutputType.INTEGER);
  static final Script META = outbox("meta", ScriptOutputType.MULTI);
  static final Script RATE_LIMIT = new Script("rate_limit", load("rate_limit"), ScriptOutputType.MULTI);
  /** Every script, loaded into Redis when a connection opens. */
  static final java.util.List<Script> ALL = java.util.List.of(APPEND, PEEK, ACK, RECORD_FAILURE, DEAD_LETTER, REPLAY,
      PURGE, DEAD_LETTERS, REPLAYED_AS, OLDEST, TOTALS, TICK, RELEASE, META, RATE_LIMIT);

  final String name;
  final byte[] source;
  final String sha;
  final ScriptOutputType output;

  private Script(String name, String source, ScriptOutputType output) {
    this.name = name;
    this.source = source.getBytes(StandardCharsets.UTF_8);
    this.output = output;
    try {
      this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(this.source));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Script outbox(String name, ScriptOutputType output) {
    return new Script(name, load("common") + "\n" + load(name), output);
  }

  private static String load(String name) {
    try (InputStream in = Script.class.getResourceAsStream(name + ".lua")) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + name + ".lua");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
