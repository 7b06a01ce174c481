package io.ciorelay.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ciorelay.server.Cio;
import io.ciorelay.server.relay.ConfigException;
import io.ciorelay.server.relay.RelayConfig;
import io.ciorelay.server.relay.RelayConfigLoader;
import io.ciorelay.server.relay.RelayServer;
import io.ciorelay.server.relay.RelayTestSupport;
import io.ciorelay.simulator.CioSimulator;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks {@code deploy/} against the relay itself: every YAML document under {@code deploy/k8s}
 * (all files, multi-document aware) and {@code deploy/Dockerfile} are compared with a real
 * {@link RelayServer} running in process against the simulator — probe paths answer 200, ports are
 * the relay's default, metric names used for autoscaling are on its {@code /metrics}, config keys
 * and environment names are ones the loader reads, secrets are placeholders. Failures name the file,
 * the object and the field.
 */
class DeployManifestsTest {
  static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
  static final Path K8S = DEPLOY.resolve("k8s");
  static final Path DOCKERFILE = DEPLOY.resolve("Dockerfile");
  /** The container in the relay's workloads (other workloads, such as the dev Redis, are not the relay). */
  static final String RELAY_CONTAINER = "relay";
  static final Pattern PLACEHOLDER = Pattern.compile("REPLACE_WITH_[A-Z0-9_]+");
  static final Set<String> PROBES = Set.of("startupProbe", "livenessProbe", "readinessProbe");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One YAML document of one file. */
  record Doc(Path file, int index, JsonNode node) {
    String kind() {
      return node.path("kind").asText("");
    }

    String name() {
      return node.at("/metadata/name").asText("");
    }

    /** "deploy/k8s/deployment.yaml (Deployment cio-relay)", for messages. */
    String where() {
      String f = DEPLOY.getParent().relativize(file).toString();
      return kind().isEmpty() ? f + " (document " + index + ")" : f + " (" + kind() + " " + name() + ")";
    }
  }

  static List<Doc> docs;
  static CioSimulator sim;
  static RelayServer relay;
  static String metricsText;

  @BeforeAll
  static void startRelay(@TempDir Path dir) throws Exception {
    assertTrue(Files.isDirectory(K8S), "no manifests at " + K8S);
    docs = readAll(K8S);
    assertFalse(docs.isEmpty(), "no YAML documents under " + K8S);
    sim = CioSimulator.builder().rateLimit(0).build().start();
    relay = RelayServer.builder(RelayTestSupport.config(sim, dir).build()).build().start();
    metricsText = get("/metrics").body();
  }

  @AfterAll
  static void stopRelay() {
    if (relay != null) {
      relay.stop();
    }
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void everyProbePathAnswers200OnTheRunningRelay() throws Exception {
    int probes = 0;
    for (Doc w : relayWorkloads()) {
      for (JsonNode c : relayContainers(w)) {
        for (String probe : PROBES) {
          JsonNode http = c.path(probe).path("httpGet");
          if (c.path(probe).isMissingNode()) {
            continue;
          }
          String field = "container " + RELAY_CONTAINER + " " + probe + ".httpGet";
          assertTrue(http.isObject(), w.where() + ": " + field + " is missing (the relay's health checks are HTTP)");
          assertEquals(relayDefaultPort(), resolvePort(w, c, http.path("port")),
              w.where() + ": " + field + ".port does not reach the relay's port");
          assertServes(http.path("path").asText(""), w.where() + ": " + field + ".path");
          probes++;
        }
        assertEquals("/health/live", c.at("/livenessProbe/httpGet/path").asText(null),
            w.where() + ": container relay livenessProbe.httpGet.path must be /health/live (200 while the process serves)");
        assertEquals("/health/ready", c.at("/readinessProbe/httpGet/path").asText(null),
            w.where() + ": container relay readinessProbe.httpGet.path must be /health/ready (503 while draining)");
      }
    }
    assertTrue(probes >= 4, "expected liveness and readiness probes in both relay workloads, found " + probes);
  }

  @Test
  void portsAreTheRelaysDefaultAndTheServiceTargetsThem() throws Exception {
    int port = relayDefaultPort();
    for (Doc w : relayWorkloads()) {
      for (JsonNode c : relayContainers(w)) {
        assertEquals(port, namedPort(c, "http"),
            w.where() + ": container relay ports[name=http].containerPort is not the relay's default port " + port);
      }
      JsonNode ann = w.node.at("/spec/template/metadata/annotations");
      assertEquals("true", ann.path("prometheus.io/scrape").asText(null),
          w.where() + ": spec.template.metadata.annotations[prometheus.io/scrape] must be \"true\"");
      assertEquals(String.valueOf(port), ann.path("prometheus.io/port").asText(null),
          w.where() + ": spec.template.metadata.annotations[prometheus.io/port] is not the relay's port");
    }
    List<Doc> services = ofKind("Service").stream().filter(s -> s.name().equals("cio-relay")).toList();
    assertEquals(1, services.size(), "expected one Service cio-relay under " + K8S);
    Doc svc = services.get(0);
    JsonNode selector = svc.node.at("/spec/selector");
    for (Doc w : relayWorkloads()) {
      JsonNode labels = w.node.at("/spec/template/metadata/labels");
      selector.properties().forEach(e -> assertEquals(e.getValue().asText(), labels.path(e.getKey()).asText(null),
          svc.where() + ": spec.selector " + e.getKey() + " does not match the pod labels of " + w.where()));
      for (JsonNode p : svc.node.at("/spec/ports")) {
        for (JsonNode c : relayContainers(w)) {
          assertEquals(port, resolvePort(w, c, p.path("targetPort")),
              svc.where() + ": spec.ports[" + p.path("name").asText() + "].targetPort does not refer to the relay's port in "
                  + w.where());
        }
      }
    }
    Matcher expose = Pattern.compile("(?m)^EXPOSE\\s+(\\d+)").matcher(dockerfile());
    assertTrue(expose.find(), "deploy/Dockerfile: no EXPOSE");
    assertEquals(port, Integer.parseInt(expose.group(1)), "deploy/Dockerfile: EXPOSE is not the relay's default port");
  }

  @Test
  void scrapePathIsServedAndAutoscalingMetricsAreOnIt() throws Exception {
    for (Doc w : relayWorkloads()) {
      String path = w.node.at("/spec/template/metadata/annotations").path("prometheus.io/path").asText("");
      String where = w.where() + ": spec.template.metadata.annotations[prometheus.io/path]";
      assertServes(path, where);
      assertTrue(get(path).body().contains("# TYPE "), where + " " + path + " does not serve Prometheus text");
    }
    Set<String> exposedByAdapter = new LinkedHashSet<>();
    int adapterRules = 0;
    for (Doc d : docs) {
      for (String type : List.of("external", "custom")) {
        for (JsonNode rule : d.node.at("/rules/" + type)) {
          String where = d.where() + ": rules." + type + "[].seriesQuery";
          Matcher m = Pattern.compile("^\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)").matcher(rule.path("seriesQuery").asText(""));
          assertTrue(m.find(), where + " does not start with a metric name");
          assertMetricServed(m.group(1), where);
          String as = rule.at("/name/as").asText(m.group(1));
          exposedByAdapter.add(as);
          adapterRules++;
        }
      }
    }
    assertTrue(adapterRules > 0, "no prometheus-adapter rules (rules.external) under " + K8S);
    int backlogMetrics = 0;
    for (Doc hpa : ofKind("HorizontalPodAutoscaler")) {
      for (JsonNode m : hpa.node.at("/spec/metrics")) {
        String type = m.path("type").asText();
        if (type.equals("Resource")) {
          continue;
        }
        String key = Character.toLowerCase(type.charAt(0)) + type.substring(1);
        String name = m.at("/" + key + "/metric/name").asText("");
        String where = hpa.where() + ": spec.metrics[type=" + type + "]." + key + ".metric.name";
        assertMetricServed(name, where);
        if (type.equals("External")) {
          assertTrue(exposedByAdapter.contains(name), where + " " + name + " is not exposed by any adapter rule "
              + exposedByAdapter);
          assertEquals("AverageValue", m.at("/external/target/type").asText(null), hpa.where()
              + ": spec.metrics[type=External].external.target.type must be AverageValue (the fleet-wide backlog divided by pods)");
          backlogMetrics++;
        }
      }
    }
    assertTrue(backlogMetrics > 0, "no HorizontalPodAutoscaler scales on an External backlog metric under " + K8S);
  }

  @Test
  void configMapsUseKnownKeysLoadThroughTheRealLoaderAndAreMounted() throws Exception {
    int configs = 0;
    for (Doc cm : ofKind("ConfigMap")) {
      for (Map.Entry<String, JsonNode> e : cm.node.path("data").properties()) {
        if (!e.getKey().endsWith(".properties")) {
          continue;
        }
        String where = cm.where() + ": data[" + e.getKey() + "]";
        RelayConfig loaded = loadProperties(e.getValue().asText(), where);
        assertEquals(relayDefaultPort(), loaded.port(), where + ": relay.port is not the port the manifests use");
        configs++;
        for (Doc w : relayWorkloads()) {
          String mount = configMountPath(w, cm.name());
          if (mount == null) {
            continue;
          }
          List<String> args = new ArrayList<>();
          relayContainers(w).get(0).path("args").forEach(a -> args.add(a.asText()));
          int i = args.indexOf("--config");
          assertTrue(i >= 0 && i + 1 < args.size(), w.where() + ": container relay args has no --config");
          assertEquals(mount + "/" + e.getKey(), args.get(i + 1),
              w.where() + ": container relay args --config does not name the mounted " + where);
          long grace = w.node.at("/spec/template/spec/terminationGracePeriodSeconds").asLong(30);
          long drain = loaded.shutdownTimeout().toSeconds();
          assertTrue(grace >= drain + 5, w.where() + ": spec.template.spec.terminationGracePeriodSeconds " + grace
              + " must exceed relay.shutdown-timeout (" + drain + "s in " + where + ") by at least 5s");
        }
      }
    }
    assertTrue(configs >= 2, "expected the fleet's and the single relay's relay.properties, found " + configs);
    for (Doc w : relayWorkloads()) {
      for (JsonNode v : w.node.at("/spec/template/spec/volumes")) {
        String ref = v.at("/configMap/name").asText(null);
        if (ref != null) {
          assertTrue(ofKind("ConfigMap").stream().anyMatch(c -> c.name().equals(ref)),
              w.where() + ": volume " + v.path("name").asText() + " refers to ConfigMap " + ref + ", which is not under " + K8S);
        }
      }
    }
  }

  @Test
  void everyEnvironmentNameIsReadAndEverySecretIsAPlaceholder() throws Exception {
    Set<String> read = relayEnvNames();
    Map<String, Set<String>> secretKeys = new HashMap<>();
    for (Doc s : ofKind("Secret")) {
      assertTrue(s.node.path("data").isMissingNode(),
          s.where() + ": use stringData with placeholders; data holds base64 that could hide a real value");
      Set<String> keys = new LinkedHashSet<>();
      for (Map.Entry<String, JsonNode> e : s.node.path("stringData").properties()) {
        assertPlaceholder(e.getValue().asText(), s.where() + ": stringData." + e.getKey());
        assertEnvRead(e.getKey(), read, s.where() + ": stringData key");
        keys.add(e.getKey());
      }
      secretKeys.put(s.name(), keys);
    }
    assertFalse(secretKeys.isEmpty(), "no Secret template under " + K8S);
    for (Doc w : relayWorkloads()) {
      for (JsonNode c : relayContainers(w)) {
        for (JsonNode env : c.path("env")) {
          String name = env.path("name").asText();
          String where = w.where() + ": container relay env[" + name + "]";
          assertEnvRead(name, read, where);
          JsonNode ref = env.at("/valueFrom/secretKeyRef");
          if (!ref.isMissingNode()) {
            Set<String> keys = secretKeys.get(ref.path("name").asText());
            assertTrue(keys != null && keys.contains(ref.path("key").asText()), where + ".valueFrom.secretKeyRef "
                + ref.path("name").asText() + "/" + ref.path("key").asText() + " is not in the Secret template");
          }
        }
        assertTrue(c.path("envFrom").isMissingNode(), w.where() + ": container relay uses envFrom; name each variable in env");
      }
    }
  }

  @Test
  void dockerfileRunsTheRelayCommandAndMountsItsDataDirectory() throws Exception {
    String d = dockerfile();
    Matcher m = Pattern.compile("java\\s+\\$\\{?JAVA_OPTS\\}?\\s+-cp\\s+\\S+\\s+([\\w.]+)\\s+(\\w+)").matcher(entrypoint(d));
    assertTrue(m.find(), "deploy/Dockerfile: ENTRYPOINT does not run `java $JAVA_OPTS -cp ... <main class> <command>`");
    Class<?> main = Class.forName(m.group(1));
    assertEquals(Cio.class, main, "deploy/Dockerfile: ENTRYPOINT main class");
    main.getMethod("main", String[].class);
    assertTrue(Cio.commandLine().getSubcommands().containsKey(m.group(2)),
        "deploy/Dockerfile: ENTRYPOINT runs '" + m.group(2) + "', which is not a cio subcommand");
    assertEquals("relay", m.group(2), "deploy/Dockerfile: ENTRYPOINT must run `cio relay`");
    assertTrue(d.contains("-XX:MaxRAMPercentage="), "deploy/Dockerfile: JAVA_OPTS should size the heap from the container");
    Matcher data = Pattern.compile("(?m)^ENV\\s+" + RelayConfigLoader.envName("relay.data") + "=(\\S+)").matcher(d);
    assertTrue(data.find(), "deploy/Dockerfile: no ENV " + RelayConfigLoader.envName("relay.data"));
    assertTrue(d.contains("VOLUME [\"" + data.group(1) + "\"]"), "deploy/Dockerfile: the data directory " + data.group(1)
        + " is not a VOLUME");
    for (Doc w : relayWorkloads()) {
      boolean mounted = false;
      for (JsonNode vm : relayContainers(w).get(0).path("volumeMounts")) {
        mounted |= vm.path("mountPath").asText().equals(data.group(1));
      }
      assertTrue(mounted, w.where() + ": container relay has no volumeMounts entry at the image's data directory " + data.group(1));
    }
  }

  /** The helpers above must be able to fail: a wrong path, metric, key, env name or secret is refused. */
  @Test
  void theChecksRefuseWrongValues() throws Exception {
    assertThrows(AssertionError.class, () -> assertServes("/health/nope", "probe"));
    assertThrows(AssertionError.class, () -> assertMetricServed("cio_backlog_operationz", "metric"));
    assertThrows(AssertionError.class, () -> loadProperties("relay.nope=1\n", "properties"));
    assertThrows(AssertionError.class, () -> loadProperties("relay.shutdown-timeout=soon\n", "properties"));
    assertThrows(AssertionError.class, () -> assertEnvRead("CIO_RELAY_NOPE", relayEnvNames(), "env"));
    assertThrows(AssertionError.class, () -> assertPlaceholder("8f2a0c7e1b", "secret"));
  }

  // ---- checks -----------------------------------------------------------------------------------

  static void assertServes(String path, String where) throws Exception {
    assertTrue(path.startsWith("/"), where + " '" + path + "' is not a path");
    int status = get(path).statusCode();
    assertEquals(200, status, where + " " + path + " answered " + status + " on the running relay");
  }

  static void assertMetricServed(String name, String where) {
    boolean served = Pattern.compile("(?m)^" + Pattern.quote(name) + "[{ ]").matcher(metricsText).find();
    assertTrue(served, where + " " + name + " is not in the relay's /metrics output");
  }

  /** Loads a relay.properties text through the real loader (no environment, no flags). */
  static RelayConfig loadProperties(String text, String where) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(text));
    for (String k : p.stringPropertyNames()) {
      assertTrue(RelayConfigLoader.KEYS.contains(k), where + ": key " + k + " is not one the relay knows");
    }
    Path file = Files.createTempFile("relay", ".properties");
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
      return RelayConfigLoader.load(file, Map.of(), Map.of()).builder().credentials("site", "key").build();
    } catch (ConfigException | IllegalArgumentException e) {
      return fail(where + " does not load: " + e.getMessage());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  static void assertEnvRead(String name, Set<String> read, String where) {
    assertTrue(read.contains(name), where + ": " + name + " is not read by the relay or the image's entrypoint");
  }

  static void assertPlaceholder(String value, String where) {
    assertTrue(PLACEHOLDER.matcher(value).matches(), where + " must be a placeholder like REPLACE_WITH_..., not a value");
  }

  /** Every environment name the relay reads, plus those the image's entrypoint expands (JAVA_OPTS). */
  static Set<String> relayEnvNames() throws IOException {
    Set<String> names = new LinkedHashSet<>();
    RelayConfigLoader.KEYS.forEach(k -> names.add(RelayConfigLoader.envName(k)));
    names.add(RelayConfigLoader.ENV_SITE_ID);
    for (String secret : List.of(RelayConfigLoader.ENV_API_KEY, RelayConfigLoader.ENV_ADMIN_TOKEN,
        RelayConfigLoader.ENV_WEBHOOK_SIGNING_KEY)) {
      names.add(secret);
      names.add(secret + "_FILE");
    }
    Matcher m = Pattern.compile("\\$\\{?([A-Z_][A-Z0-9_]*)").matcher(entrypoint(dockerfile()));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  // ---- reading ----------------------------------------------------------------------------------

  static List<Doc> readAll(Path dir) throws IOException {
    List<Doc> out = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    }
    for (Path f : files) {
      try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
        int i = 0;
        while (it.hasNext()) {
          JsonNode n = it.next();
          i++;
          if (n != null && !n.isNull() && !n.isMissingNode()) {
            out.add(new Doc(f, i, n));
          }
        }
      }
    }
    return out;
  }

  static List<Doc> ofKind(String kind) {
    return docs.stream().filter(d -> d.kind().equals(kind)).toList();
  }

  /** Deployments and StatefulSets whose pods run a container named relay; both variants must be there. */
  static List<Doc> relayWorkloads() {
    List<Doc> w = docs.stream().filter(d -> d.kind().equals("Deployment") || d.kind().equals("StatefulSet"))
        .filter(d -> !relayContainers(d).isEmpty()).toList();
    assertTrue(w.stream().anyMatch(d -> d.kind().equals("Deployment")), "no relay Deployment under " + K8S);
    assertTrue(w.stream().anyMatch(d -> d.kind().equals("StatefulSet")), "no single-replica relay StatefulSet under " + K8S);
    return w;
  }

  static List<JsonNode> relayContainers(Doc w) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode c : w.node.at("/spec/template/spec/containers")) {
      if (c.path("name").asText().equals(RELAY_CONTAINER)) {
        out.add(c);
      }
    }
    return out;
  }

  /** A port given by number or by the name of one of the container's ports. */
  static int resolvePort(Doc w, JsonNode container, JsonNode port) {
    if (port.isInt()) {
      return port.asInt();
    }
    int p = namedPort(container, port.asText());
    assertTrue(p > 0, w.where() + ": port '" + port.asText() + "' is not a named port of container relay");
    return p;
  }

  static int namedPort(JsonNode container, String name) {
    for (JsonNode p : container.path("ports")) {
      if (p.path("name").asText().equals(name)) {
        return p.path("containerPort").asInt();
      }
    }
    return -1;
  }

  /** Where the workload mounts the ConfigMap, or null if it does not use it. */
  static String configMountPath(Doc w, String configMap) {
    for (JsonNode v : w.node.at("/spec/template/spec/volumes")) {
      if (v.at("/configMap/name").asText("").equals(configMap)) {
        for (JsonNode vm : relayContainers(w).get(0).path("volumeMounts")) {
          if (vm.path("name").asText().equals(v.path("name").asText())) {
            return vm.path("mountPath").asText();
          }
        }
        fail(w.where() + ": volume " + v.path("name").asText() + " (ConfigMap " + configMap + ") is not mounted in container relay");
      }
    }
    return null;
  }

  /** The relay's real default port: what RelayConfig.Builder gives when nothing is set. */
  static int relayDefaultPort() {
    return RelayConfig.builder().credentials("site", "key").build().port();
  }

  static String dockerfile() throws IOException {
    assertTrue(Files.isRegularFile(DOCKERFILE), "no " + DOCKERFILE);
    return Files.readString(DOCKERFILE, StandardCharsets.UTF_8);
  }

  /** The ENTRYPOINT of the last stage, its exec-form array joined with spaces. */
  static String entrypoint(String dockerfile) throws IOException {
    Matcher m = Pattern.compile("(?m)^ENTRYPOINT\\s+(\\[.*])\\s*$").matcher(dockerfile);
    String last = null;
    while (m.find()) {
      last = m.group(1);
    }
    assertTrue(last != null, "deploy/Dockerfile: no exec-form ENTRYPOINT");
    List<String> parts = new ArrayList<>();
    new ObjectMapper().readTree(last).forEach(n -> parts.add(n.asText()));
    return String.join(" ", parts);
  }

  static HttpResponse<String> get(String path) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create(relay.baseUrl() + path)).timeout(Duration.ofSeconds(10)).GET().build();
    return HTTP.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }
}
