package io.ciorelay.redis;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension giving each test the shared test Redis and a fresh key prefix; after the test
 * it closes what the test registered (last first) and deletes the prefix's keys.
 */
final class RedisTestKeys implements BeforeEachCallback, AfterEachCallback {
  private final List<AutoCloseable> open = new ArrayList<>();
  private String uri;
  private String prefix;

  @Override
  public void beforeEach(ExtensionContext context) {
    uri = RedisTestServer.sharedUri();
    prefix = RedisTestServer.prefix();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      for (int i = open.size() - 1; i >= 0; i--) {
        open.get(i).close();
      }
    } finally {
      open.clear();
      RedisTestServer.deleteKeys(uri, prefix);
    }
  }

  String uri() {
    return uri;
  }

  String prefix() {
    return prefix;
  }

  /** Closed after the test, before the keys are deleted. */
  <T extends AutoCloseable> T register(T closeable) {
    open.add(closeable);
    return closeable;
  }
}
