package io.ciorelay.server.relay;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz target for {@link RelayConfigLoader}: any bytes as the properties file (with credentials in
 * the environment, so values get parsed) either load and build a {@link RelayConfig}, or are refused
 * with a {@link ConfigException} or {@link IllegalArgumentException} whose message says what is wrong
 * — the two the {@code cio relay} command turns into a usage error. Anything else is a finding.
 */
class RelayConfigLoaderFuzzTest {
  private static final Map<String, String> ENV = Map.of(RelayConfigLoader.ENV_SITE_ID, "site-1",
      RelayConfigLoader.ENV_API_KEY, "key-1", "CIO_WORKSPACE_EU_API_KEY", "key-2", "CIO_WORKSPACE_US_API_KEY", "key-3");
  private static Path file;

  @BeforeAll
  static void createFile() throws IOException {
    Path shm = Path.of("/dev/shm");
    file = Files.isDirectory(shm) ? Files.createTempFile(shm, "relay-config-fuzz", ".properties")
        : Files.createTempFile("relay-config-fuzz", ".properties");
  }

  @AfterAll
  static void deleteFile() throws IOException {
    Files.deleteIfExists(file);
  }

  @FuzzTest(maxDuration = "30s")
  void load(byte[] properties) throws IOException {
    Files.write(file, properties);
    try {
      RelayConfigLoader.load(file, ENV, Map.of()).builder().build();
    } catch (ConfigException | IllegalArgumentException e) {
      assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "refusal without a reason: " + e);
    }
  }
}
