package io.ciorelay.server.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Builds the relay's Jetty listeners — main, and optionally webhook and management — each with its
 * own connection cap, and, with {@link TlsConfig}, HTTPS (TLS 1.2 and 1.3 by default).
 *
 * <p>Per listener: at most {@code maxConnections} open connections; the next one is answered
 * {@code 503} with {@code Retry-After: 1} and {@code Connection: close} and closed (counted in
 * {@code relay.http.connections.refused}); idle connections are closed after the idle timeout; a
 * request whose headers are not complete {@link HttpLimits#headerTimeout()} after their first byte
 * gets {@code 408} and its connection is closed (a sweep every {@value #SWEEP_MILLIS} ms looks at
 * each connection's parser; counted in {@code relay.http.header.timeouts}). The webhook listener
 * runs on its own thread pool so it cannot take the main listener's threads.
 *
 * <p>Thread-safe: the sweep runs on the given scheduler; the counters are atomic.
 */
final class HttpListeners {
  static final long SWEEP_MILLIS = 250;
  private static final byte[] REFUSAL = raw("503 Service Unavailable", "Retry-After: 1\r\n",
      "{\"error\":\"too many connections: the relay's connection limit is reached; retry later\"}");
  private static final byte[] HEADER_TIMEOUT = raw("408 Request Timeout", "",
      "{\"error\":\"request headers were not complete within relay.header-timeout\"}");

  private final HttpLimits limits;
  private final TlsConfig tls;
  private final ScheduledExecutorService scheduler;
  private final Counter refused;
  private final Counter headerTimeouts;

  HttpListeners(HttpLimits limits, TlsConfig tls, ScheduledExecutorService scheduler, MeterRegistry registry) {
    this.limits = limits;
    this.tls = tls;
    this.scheduler = scheduler;
    this.refused = Counter.builder("relay.http.connections.refused")
        .description("Connections refused with 503 because a listener's connection limit was reached").register(registry);
    this.headerTimeouts = Counter.builder("relay.http.header.timeouts")
        .description("Requests whose headers were not complete within relay.header-timeout").register(registry);
  }

  /**
   * Applies the write limit to Jetty's HTTP configuration: a blocking write that makes no progress
   * for the response timeout fails. (Jetty's own minimum data rates are left off: they measure from
   * the start of the request, so they refuse small bodies read a few milliseconds late;
   * {@link BodyReader} checks the body rate instead.)
   */
  void configure(HttpConfiguration http) {
    http.setIdleTimeout(limits.responseTimeout().toMillis());
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
  }

  /**
   * A listener on {@code host:port}; with an executor it runs on that pool instead of the server's.
   *
   * @throws IllegalStateException naming the file if the TLS certificate cannot be read
   */
  ServerConnector connector(Server server, HttpConfiguration http, String host, int port, int maxConnections,
      QueuedThreadPool executor) {
    HttpConfiguration conf = new HttpConfiguration(http);
    GuardedHttpFactory httpFactory;
    ConnectionFactory[] factories;
    if (tls != null) {
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false);
      conf.addCustomizer(secure);
      httpFactory = new GuardedHttpFactory(conf, maxConnections);
      factories = new ConnectionFactory[] {new SslConnectionFactory(sslContext(), httpFactory.getProtocol()), httpFactory};
    } else {
      httpFactory = new GuardedHttpFactory(conf, maxConnections);
      factories = new ConnectionFactory[] {httpFactory};
    }
    ServerConnector c = executor == null ? new ServerConnector(server, factories)
        : new ServerConnector(server, executor, null, null, -1, -1, factories);
    c.setHost(host);
    c.setPort(port);
    c.setIdleTimeout(limits.idleTimeout().toMillis());
    c.setAcceptQueueSize(128);
    long period = SWEEP_MILLIS;
    var sweep = scheduler.scheduleAtFixedRate(httpFactory::sweep, period, period, TimeUnit.MILLISECONDS);
    c.addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
      @Override
      public void lifeCycleStopped(org.eclipse.jetty.util.component.LifeCycle event) {
        sweep.cancel(false);
      }
    });
    return c;
  }

  private static byte[] raw(String status, String headers, String body) {
    return ("HTTP/1.1 " + status + "\r\n" + headers + "Connection: close\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
  }

  /** A named thread pool without reserved threads (on a small machine their spinning costs more than it saves). */
  static QueuedThreadPool pool(String name, int maxThreads) {
    QueuedThreadPool pool = new QueuedThreadPool(maxThreads, Math.min(8, maxThreads), 60_000, 0, null, null);
    pool.setName(name);
    return pool;
  }

  private SslContextFactory.Server sslContext() {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setIncludeProtocols(tls.protocols().toArray(String[]::new));
    ssl.setSniRequired(false);
    if (tls.keystore() != null) {
      if (!Files.isReadable(tls.keystore())) {
        throw new IllegalStateException("relay.tls.keystore: cannot read " + tls.keystore());
      }
      try (InputStream in = Files.newInputStream(tls.keystore())) {
        KeyStore ks = KeyStore.getInstance(tls.keystoreType());
        char[] pw = tls.keystorePassword() == null ? new char[0] : tls.keystorePassword().toCharArray();
        ks.load(in, pw);
        ssl.setKeyStore(ks);
        ssl.setKeyStorePassword(new String(pw));
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException("relay.tls.keystore: cannot load " + tls.keystore() + " as " + tls.keystoreType()
            + " (wrong password or type?): " + e.getMessage(), e);
      }
    } else {
      String pw = Long.toHexString(new java.security.SecureRandom().nextLong());
      ssl.setKeyStore(pemKeyStore(pw.toCharArray()));
      ssl.setKeyStorePassword(pw);
    }
    return ssl;
  }

  /** An in-memory keystore holding the PEM key and certificate chain. */
  private KeyStore pemKeyStore(char[] password) {
    Certificate[] chain;
    try (InputStream in = Files.newInputStream(tls.certificate())) {
      chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(Certificate[]::new);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("relay.tls.certificate: cannot read a PEM certificate from " + tls.certificate()
          + ": " + e.getMessage(), e);
    }
    if (chain.length == 0) {
      throw new IllegalStateException("relay.tls.certificate: no certificate in " + tls.certificate());
    }
    PrivateKey key;
    try {
      String pem = Files.readString(tls.privateKey(), StandardCharsets.US_ASCII);
      if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
        throw new IllegalStateException("relay.tls.private-key: " + tls.privateKey() + " must be a PKCS#8 PEM key "
            + "(-----BEGIN PRIVATE KEY-----); convert with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key8.pem");
      }
      String b64 = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"))
          .replaceAll("\\s", "");
      PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64));
      String alg = chain[0].getPublicKey().getAlgorithm();
      key = KeyFactory.getInstance(alg).generatePrivate(spec);
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("relay.tls.private-key: cannot read a PEM private key from " + tls.privateKey()
          + ": " + e.getMessage(), e);
    }
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("relay", key, password, chain);
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("relay.tls: the private key does not match the certificate: " + e.getMessage(), e);
    }
  }

  /**
   * Jetty's HTTP/1.1 factory with a connection cap (refusing with 503) and the header deadline.
   * Thread-safe.
   */
  private final class GuardedHttpFactory extends HttpConnectionFactory {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    /** Live connections → [messages in when first seen reading headers, nanoTime then]; [-1, 0] when not. */
    private final Map<HttpConnection, long[]> live = new ConcurrentHashMap<>();

    GuardedHttpFactory(HttpConfiguration conf, int max) {
      super(conf);
      this.max = max;
      // Larger reads: a 1 MB body arrives in about 32 callbacks instead of 128.
      setInputBufferSize(32 * 1024);
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
      if (open.incrementAndGet() > max) {
        open.decrementAndGet();
        refused.increment();
        return new Refusal(endPoint, connector.getExecutor());
      }
      HttpConnection c = (HttpConnection) super.newConnection(connector, endPoint);
      c.addEventListener(new Connection.Listener() {
        @Override
        public void onOpened(Connection connection) {
          live.put(c, new long[] {-1, 0});
        }

        @Override
        public void onClosed(Connection connection) {
          live.remove(c);
          open.decrementAndGet();
        }
      });
      return c;
    }

    /** Closes connections whose current request's headers have been arriving for longer than the limit. */
    void sweep() {
      long now = System.nanoTime();
      long limit = limits.headerTimeout().toNanos();
      for (Map.Entry<HttpConnection, long[]> e : live.entrySet()) {
        HttpConnection c = e.getKey();
        HttpParser p = c.getParser();
        long[] seen = e.getValue();
        boolean readingHeaders = !p.isStart() && p.inHeaderState();
        if (!readingHeaders) {
          seen[0] = -1;
          continue;
        }
        long messages = c.getMessagesIn();
        if (seen[0] != messages) {
          seen[0] = messages;
          seen[1] = now;
        } else if (now - seen[1] > limit) {
          live.remove(c);
          headerTimeouts.increment();
          EndPoint ep = c.getEndPoint();
          try {
            ep.write(Callback.from(ep::close, x -> ep.close()), ByteBuffer.wrap(HEADER_TIMEOUT));
          } catch (RuntimeException busy) {
            ep.close();
          }
        }
      }
    }
  }

  /**
   * A connection over the limit: answers 503, then reads and drops what the client sends until it
   * closes (or for a second), so the client sees the answer rather than a reset.
   */
  private static final class Refusal extends AbstractConnection {
    private final ByteBuffer scratch = ByteBuffer.allocate(4096);

    Refusal(EndPoint endPoint, java.util.concurrent.Executor executor) {
      super(endPoint, executor);
    }

    @Override
    public void onOpen() {
      super.onOpen();
      EndPoint ep = getEndPoint();
      ep.setIdleTimeout(1000);
      ep.write(Callback.from(() -> {
        ep.shutdownOutput();
        fillInterested();
      }, x -> ep.close()), ByteBuffer.wrap(REFUSAL));
    }

    @Override
    public void onFillable() {
      try {
        while (true) {
          scratch.clear();
          scratch.flip();
          int n = getEndPoint().fill(scratch);
          if (n < 0) {
            getEndPoint().close();
            return;
          }
          if (n == 0) {
            fillInterested();
            return;
          }
        }
      } catch (IOException e) {
        getEndPoint().close();
      }
    }

    @Override
    protected boolean onReadTimeout(Throwable timeout) {
      getEndPoint().close();
      return true;
    }
  }
}
