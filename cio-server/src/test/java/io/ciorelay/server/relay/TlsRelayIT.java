package io.ciorelay.server.relay;

import static io.ciorelay.server.relay.RelayTestSupport.basic;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ciorelay.simulator.CioSimulator;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay over HTTPS with a certificate this test generates with the JDK's {@code keytool}: from
 * a PKCS#12 keystore (password from the environment variable's value) and from PEM files, TLS 1.3
 * and 1.2, a protocol restriction, and the official customerio-node client over https trusting
 * the test certificate through {@code NODE_EXTRA_CA_CERTS}.
 */
class TlsRelayIT {
  static final String PASSWORD = "tls-test-password";
  static Path certs;
  static Path keystore;
  static Path certPem;
  static Path keyPem;

  @TempDir
  Path dir;
  CioSimulator sim;
  RelayServer relay;

  @BeforeAll
  static void generateCertificate() throws Exception {
    certs = Files.createTempDirectory("relay-tls");
    keystore = certs.resolve("relay.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(List.of(keytool, "-genkeypair", "-alias", "relay", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-ext", "BC:c=ca:true",
        "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD));
    certPem = certs.resolve("relay.crt");
    run(List.of(keytool, "-exportcert", "-rfc", "-alias", "relay", "-keystore", keystore.toString(), "-storepass", PASSWORD,
        "-file", certPem.toString()));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    Key key = ks.getKey("relay", PASSWORD.toCharArray());
    keyPem = certs.resolve("relay.key");
    Files.writeString(keyPem, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
  }

  static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
    assertEquals(0, p.exitValue(), "keytool failed: " + out);
  }

  @BeforeEach
  void setUp() {
    sim = CioSimulator.builder().rateLimit(0).build().start();
  }

  @AfterEach
  void tearDown() {
    if (relay != null) {
      relay.stop();
    }
    sim.close();
  }

  /** A client that trusts exactly the test certificate and offers only {@code protocol}. */
  static HttpClient client(String protocol) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(certPem)) {
      Certificate c = CertificateFactory.getInstance("X.509").generateCertificate(in);
      trust.setCertificateEntry("relay", c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    SSLParameters params = new SSLParameters();
    params.setProtocols(new String[] {protocol});
    return HttpClient.newBuilder().sslContext(ctx).sslParameters(params).connectTimeout(Duration.ofSeconds(10)).build();
  }

  int event(HttpClient http, String base, String name) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/customers/tls-1/events"))
        .timeout(Duration.ofSeconds(20)).header("Authorization", basic(sim.siteId(), sim.apiKey()))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build();
    return http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void servesHttpsFromAPkcs12KeystoreOverTls13AndTls12AndNotPlainHttp() throws Exception {
    Map<String, String> env = Map.of(RelayConfigLoader.ENV_TLS_KEYSTORE_PASSWORD, PASSWORD);
    RelayConfig.Builder b = RelayConfigLoader.load(null, env, Map.of("relay.tls.keystore", keystore.toString())).builder();
    RelayConfig base = RelayTestSupport.config(sim, dir).build();
    relay = RelayServer.builder(b.host("127.0.0.1").port(0).dataDir(dir).target(URI.create(sim.baseUrl()))
        .credentials(sim.siteId(), sim.apiKey()).linger(Duration.ofMillis(20)).rateLimit(base.rateLimit()).build()).build().start();
    assertTrue(relay.baseUrl().startsWith("https://"), relay.baseUrl());
    assertEquals(200, event(client("TLSv1.3"), relay.baseUrl(), "over-tls13"));
    assertEquals(200, event(client("TLSv1.2"), relay.baseUrl(), "over-tls12"));
    String plain = relay.baseUrl().replace("https://", "http://");
    HttpClient http = HttpClient.newHttpClient();
    assertThrows(java.io.IOException.class, () -> http.send(HttpRequest.newBuilder(URI.create(plain + "/health/live"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()), "plain HTTP is not served");
    await().atMost(Duration.ofSeconds(20)).until(() -> sim.records().count() == 2);
  }

  @Test
  void servesHttpsFromPemFilesAndOffersOnlyTheConfiguredProtocols() throws Exception {
    RelayConfig.Builder b = RelayConfigLoader.load(null, Map.of(), Map.of("relay.tls.certificate", certPem.toString(),
        "relay.tls.private-key", keyPem.toString(), "relay.tls.protocols", "TLSv1.2")).builder();
    relay = RelayServer.builder(b.host("127.0.0.1").port(0).dataDir(dir).target(URI.create(sim.baseUrl()))
        .credentials(sim.siteId(), sim.apiKey()).linger(Duration.ofMillis(20)).build()).build().start();
    assertEquals(200, event(client("TLSv1.2"), relay.baseUrl(), "pem-tls12"));
    assertThrows(java.io.IOException.class, () -> event(client("TLSv1.3"), relay.baseUrl(), "refused"),
        "TLS 1.3 is not offered when only TLSv1.2 is configured");
  }

  @Test
  void aWrongKeystorePasswordOrAMissingFileStopsTheStartWithTheReason() {
    RelayConfig wrong = RelayTestSupport.config(sim, dir).tls(TlsConfig.keystore(keystore, "PKCS12", "not-it")).build();
    RuntimeException e = assertThrows(RuntimeException.class, () -> RelayServer.builder(wrong).build().start());
    assertTrue(String.valueOf(e.getMessage()).contains("relay.tls.keystore") || String.valueOf(e.getCause()).contains("relay.tls.keystore"),
        String.valueOf(e));
    RelayConfig missing = RelayTestSupport.config(sim, dir).tls(TlsConfig.pem(certs.resolve("none.crt"), keyPem)).build();
    RuntimeException m = assertThrows(RuntimeException.class, () -> RelayServer.builder(missing).build().start());
    assertTrue(String.valueOf(m).contains("relay.tls.certificate") || String.valueOf(m.getCause()).contains("relay.tls.certificate"),
        String.valueOf(m));
  }

  @Test
  void theOfficialNodeClientSendsEveryCallOverHttps() throws Exception {
    OfficialClientRelayIT.installOfficialClient();
    relay = RelayServer.builder(RelayTestSupport.config(sim, dir).tls(TlsConfig.pem(certPem, keyPem)).build()).build().start();
    io.ciorelay.server.NodeScripts.Run node = OfficialClientRelayIT.run(List.of("node", OfficialClientRelayIT.SCRIPT.toString()), Map.of(
        "NODE_PATH", OfficialClientRelayIT.NODE_DIR.resolve("node_modules").toString(),
        "NODE_EXTRA_CA_CERTS", certPem.toString(),
        "RELAY_TRACK_URL", relay.baseUrl() + "/api/v1",
        "RELAY_SITE_ID", sim.siteId(),
        "RELAY_API_KEY", sim.apiKey()), OfficialClientRelayIT.NODE_DIR.resolve("relay-client-tls.log"), 120);
    assertEquals(0, node.exit(), "node over https failed:\n" + node.output());
    assertTrue(relay.baseUrl().startsWith("https://"));
    await().atMost(Duration.ofSeconds(30)).until(() -> sim.records().forPerson("person-1").size() == 7);
  }
}
