package io.ciorelay.spring.test;

import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.spring.CioAutoConfiguration;
import io.ciorelay.spring.CioCustomizer;
import io.ciorelay.spring.CioProperties;
import io.ciorelay.spring.CioWorkspaceProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * For applications' tests: with {@code cio.simulator.enabled=true}, a {@link CioSimulator} (the
 * project's fake Customer.io) runs on a random loopback port for the life of the context, and
 * every workspace delivers to it with its credentials. A workspace whose
 * {@code storage-path} is not set gets an outbox in a fresh temporary directory, removed when the
 * context closes, so tests never share or leave behind queued operations. Inject the
 * {@code CioSimulator} bean to see what it received ({@code records()}) or to inject faults.
 */
@AutoConfiguration(before = CioAutoConfiguration.class)
@ConditionalOnProperty(prefix = "cio.simulator", name = "enabled", havingValue = "true")
public class CioSimulatorAutoConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public CioSimulator cioSimulator() {
    return CioSimulator.builder().host("127.0.0.1").port(0).build().start();
  }

  @Bean
  public TempStorage cioSimulatorStorage() {
    try {
      return new TempStorage(Files.createTempDirectory("cio-simulator-test-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Bean
  public CioCustomizer cioSimulatorCustomizer(CioSimulator simulator, TempStorage storage, CioProperties properties) {
    return (workspace, b) -> {
      b.baseUrl(simulator.baseUrl()).credentials(simulator.siteId(), simulator.apiKey());
      CioWorkspaceProperties own = properties.getWorkspaces().get(workspace);
      boolean pathSet = own != null ? own.getStoragePath() != null : properties.getStoragePath() != null;
      if (!pathSet) {
        b.storagePath(storage.dir().resolve(workspace).resolve("outbox.db"));
      }
    };
  }

  /** A temporary directory removed (with what is in it) when the context closes. */
  public static final class TempStorage implements DisposableBean {
    private final Path dir;

    TempStorage(Path dir) {
      this.dir = dir;
    }

    public Path dir() {
      return dir;
    }

    @Override
    public void destroy() throws IOException {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
