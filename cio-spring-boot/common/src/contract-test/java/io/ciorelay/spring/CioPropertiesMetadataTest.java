package io.ciorelay.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** IDE completion: the generated metadata on the classpath describes every cio.* property. */
class CioPropertiesMetadataTest {

  @Test
  void everyPropertyHasMetadataWithADescription() throws Exception {
    Map<String, JsonNode> props = new HashMap<>();
    for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
      try (InputStream in = url.openStream()) {
        new ObjectMapper().readTree(in).path("properties").forEach(p -> props.put(p.path("name").asText(), p));
      }
    }
    for (String name : new String[] {"cio.enabled", "cio.site-id", "cio.api-key", "cio.region", "cio.base-url",
        "cio.storage-path", "cio.durability", "cio.async-commit-interval", "cio.lanes", "cio.max-batch-operations",
        "cio.max-batch-bytes", "cio.linger", "cio.connect-timeout", "cio.request-timeout", "cio.http-threads",
        "cio.max-pending-operations", "cio.max-pending-bytes", "cio.overflow-policy", "cio.block-timeout",
        "cio.identify-dedup-window", "cio.identify-dedup-size", "cio.max-pending-age",
        "cio.rate-limit.requests-per-second", "cio.rate-limit.headroom",
        "cio.retry.base-delay", "cio.retry.max-delay", "cio.retry.jitter", "cio.retry.retry-after-cap",
        "cio.retry.budget", "cio.retry.max-attempts", "cio.retry.auth-retry-interval", "cio.retry.endpoint-retry-interval",
        "cio.breaker.failure-threshold", "cio.breaker.half-open-calls", "cio.breaker.open-wait",
        "cio.breaker.slow-call-threshold", "cio.shutdown-timeout", "cio.workspaces",
        "cio.routing.rule", "cio.routing.attribute", "cio.routing.values", "cio.routing.fallback",
        "cio.routing.workspaces", "cio.store.uri", "cio.store.prefix", "cio.store.shards", "cio.store.lease-ttl",
        "cio.store.poll-interval", "cio.store.command-timeout", "cio.store.replicas-to-wait",
        "cio.store.replica-timeout", "cio.store.relay-id", "cio.simulator.enabled"}) {
      assertThat(props).as(name).containsKey(name);
      assertThat(props.get(name).path("description").asText()).as(name + " description").isNotBlank();
    }
    assertThat(props.get("cio.shutdown-timeout").path("defaultValue").asText()).isEqualTo("30s");
  }

  /**
   * One configuration model: the key table of cio-server/README.md (generated from the relay's
   * {@code ConfigKeys}) has a Spring column; it names exactly the properties this starter has, so
   * every library setting has the same name in the docs, the relay and Spring.
   */
  @Test
  void theKeyTableSpringColumnIsExactlyTheStartersProperties() throws Exception {
    Set<String> metadata = new TreeSet<>();
    for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
      try (InputStream in = url.openStream()) {
        new ObjectMapper().readTree(in).path("properties").forEach(p -> metadata.add(p.path("name").asText()));
      }
    }
    metadata.removeIf(n -> !n.startsWith("cio."));
    Set<String> table = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\|[^|]*\\|[^|]*\\|[^|]*\\| `(cio\\.[^`]+)` \\|").matcher(keyTable());
    while (m.find()) {
      if (!m.group(1).contains("<name>")) {
        table.add(m.group(1));
      }
    }
    assertThat(table).as("Spring column of cio-server/README.md's key table").isEqualTo(metadata);
  }

  private static String keyTable() throws Exception {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("cio-server/README.md"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("the project root above " + Path.of("").toAbsolutePath()).isNotNull();
    String readme = Files.readString(dir.resolve("cio-server/README.md"));
    int begin = readme.indexOf("<!-- config-keys:begin");
    int end = readme.indexOf("<!-- config-keys:end -->");
    assertThat(begin).isGreaterThanOrEqualTo(0);
    return readme.substring(begin, end);
  }
}
