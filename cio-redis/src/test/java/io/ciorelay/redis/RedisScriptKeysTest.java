package io.ciorelay.redis;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.delivery.outbox.OutboxException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A script touches only keys its caller passed in {@code KEYS} (a Redis Cluster routes a script by
 * them and checks only those): one given fewer keys than it needs fails, naming the key, instead
 * of reaching a key the cluster may have moved elsewhere.
 */
class RedisScriptKeysTest {
  String uri;
  String prefix;
  RedisLink link;

  @BeforeEach
  void connect() {
    uri = RedisTestServer.sharedUri();
    prefix = RedisTestServer.prefix();
    link = RedisLink.connect(RedisStoreConfig.builder().uri(uri).prefix(prefix).commandTimeout(Duration.ofSeconds(2))
        .build(), "test");
  }

  @AfterEach
  void close() {
    link.close();
    RedisTestServer.deleteKeys(uri, prefix);
  }

  @Test
  void aScriptGivenFewerKeysThanItTouchesFailsNamingTheKey() {
    WorkspaceKeys keys = new WorkspaceKeys("{" + prefix + ":ws}", 4);
    // The totals read every shard stream; here only the first two keys are passed.
    OutboxException e = assertThrows(OutboxException.class, () -> link.await(link.eval(Script.TOTALS,
        new byte[][] {keys.bytes, keys.deadLetters}, RedisLink.b(keys.base()), RedisLink.b(4)), "counting"));
    assertTrue(e.getMessage().contains("did not pass in KEYS") && e.getMessage().contains(":s:0"), e.getMessage());
    // With every key it touches, the same call runs.
    link.await(link.eval(Script.TOTALS, keys.totals(), RedisLink.b(keys.base()), RedisLink.b(4)), "counting");
  }
}
