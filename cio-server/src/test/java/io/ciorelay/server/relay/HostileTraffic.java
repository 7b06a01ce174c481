package io.ciorelay.server.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hostile clients and a well-behaved one, for {@code HostileTrafficIT} and for measuring a running
 * relay from outside ({@link #main}): slow bodies (one byte every two seconds, reconnecting when
 * dropped), floods of 1 MB {@code {"batch":[1,1,…]}} bodies whose answers are never read, and a
 * probe that sends events and {@code GET /health/live} and records every latency and failure.
 * Thread-safe; each attack runs on its own threads until {@link #close()}.
 */
public final class HostileTraffic implements AutoCloseable {
  private final String host;
  private final String basicAuth;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final ScheduledExecutorService trickle = Executors.newScheduledThreadPool(2, daemon("hostile-trickle"));
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  /** Slow connections opened, and how each one ended. */
  public final AtomicLong slowOpened = new AtomicLong();
  public final AtomicLong slowAnswered408 = new AtomicLong();
  public final AtomicLong slowAnsweredOther = new AtomicLong();
  public final AtomicLong slowClosedWithoutAnswer = new AtomicLong();
  public final AtomicLong slowRefusedAtConnect = new AtomicLong();
  /** How long the relay let each slow connection live, in ms. */
  public final ConcurrentLinkedDeque<Long> slowHeldMillis = new ConcurrentLinkedDeque<>();
  /** Flood bodies sent in full. */
  public final AtomicLong floodSent = new AtomicLong();
  public final AtomicLong floodFailed = new AtomicLong();
  /** The first answer line of one flood request that was read (to check what the flood gets). */
  public volatile String floodSample;

  public HostileTraffic(String host, String siteId, String apiKey) {
    this.host = host;
    this.basicAuth = "Basic " + Base64.getEncoder().encodeToString((siteId + ":" + apiKey).getBytes(StandardCharsets.UTF_8));
  }

  /** {@code n} connections, each POSTing a 1000-byte body to {@code port}{@code path} one byte every {@code every}. */
  public void slowBodies(int n, int port, String path, boolean authenticated, Duration every) {
    for (int i = 0; i < n; i++) {
      start("hostile-slow-" + port + "-" + i, () -> {
        while (running.get()) {
          slowConnection(port, path, authenticated, every);
        }
      });
    }
  }

  private void slowConnection(int port, String path, boolean authenticated, Duration every) {
    long t0 = System.nanoTime();
    try (Socket s = new Socket()) {
      sockets.add(s);
      s.connect(new InetSocketAddress(host, port), 5000);
      slowOpened.incrementAndGet();
      OutputStream out = s.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
          + (authenticated ? "Authorization: " + basicAuth + "\r\n" : "")
          + "X-CIO-Timestamp: 1700000000\r\nX-CIO-Signature: 00\r\n"
          + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      var task = trickle.scheduleAtFixedRate(() -> {
        try {
          out.write(' ');
          out.flush();
        } catch (IOException e) {
          // the relay closed it; the reader below sees how
        }
      }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
      try {
        String first = firstLine(s.getInputStream());
        if (first == null) {
          slowClosedWithoutAnswer.incrementAndGet();
        } else if (first.startsWith("HTTP/1.1 408")) {
          slowAnswered408.incrementAndGet();
        } else if (first.startsWith("HTTP/1.1 503")) {
          slowRefusedAtConnect.incrementAndGet();
        } else {
          slowAnsweredOther.incrementAndGet();
        }
      } finally {
        task.cancel(false);
      }
    } catch (IOException e) {
      slowClosedWithoutAnswer.incrementAndGet();
    } finally {
      slowHeldMillis.add((System.nanoTime() - t0) / 1_000_000);
    }
  }

  /**
   * {@code n} clients, each with one connection on which it sends {@code {"batch":[1,1,…]}} bodies
   * of about 1 MB one after another (pipelined) and never reads an answer; a dropped connection is
   * replaced. So at most {@code n} such requests are in the relay at once, as in issue 11's attack;
   * their answers pile up unread.
   */
  public void flood(int n, int port) {
    StringBuilder sb = new StringBuilder("{\"batch\":[1");
    while (sb.length() < 999_990) {
      sb.append(",1");
    }
    byte[] body = sb.append("]}").toString().getBytes(StandardCharsets.US_ASCII);
    byte[] head = ("POST /api/v2/batch HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: " + basicAuth
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < n; i++) {
      boolean sampler = i == 0;
      start("hostile-flood-" + i, () -> {
        boolean sampled = !sampler;
        while (running.get()) {
          try (Socket s = new Socket()) {
            sockets.add(s);
            s.connect(new InetSocketAddress(host, port), 5000);
            OutputStream out = s.getOutputStream();
            while (running.get()) {
              out.write(head);
              out.write(body);
              out.flush();
              floodSent.incrementAndGet();
              if (!sampled) {
                sampled = true;
                s.setSoTimeout(30_000);
                floodSample = firstLine(s.getInputStream());
              }
            }
          } catch (IOException e) {
            floodFailed.incrementAndGet();
          }
        }
      });
    }
  }

  /**
   * A harsher flood than issue 11's: {@code n} clients each opening a new connection per 1 MB body
   * as fast as they can (keeping the last 8 open, never reading), so the relay has as many such
   * requests at once as the kernel buffers and its connection cap let in.
   */
  public void floodNewConnections(int n, int port) {
    StringBuilder sb = new StringBuilder("{\"batch\":[1");
    while (sb.length() < 999_990) {
      sb.append(",1");
    }
    byte[] body = sb.append("]}").toString().getBytes(StandardCharsets.US_ASCII);
    byte[] head = ("POST /api/v2/batch HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: " + basicAuth
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < n; i++) {
      start("hostile-connection-flood-" + i, () -> {
        ArrayList<Socket> open = new ArrayList<>();
        while (running.get()) {
          Socket s = new Socket();
          try {
            sockets.add(s);
            s.connect(new InetSocketAddress(host, port), 5000);
            OutputStream out = s.getOutputStream();
            out.write(head);
            out.write(body);
            out.flush();
            floodSent.incrementAndGet();
          } catch (IOException e) {
            floodFailed.incrementAndGet();
          }
          open.add(s);
          if (open.size() > 8) {
            close(open.remove(0));
          }
        }
        open.forEach(HostileTraffic::close);
      });
    }
  }

  /** The well-behaved client's record: one latency per request, and every failure. */
  public static final class Probe {
    public final List<Long> latenciesMicros = Collections.synchronizedList(new ArrayList<>());
    public final List<String> failures = new CopyOnWriteArrayList<>();
    public final AtomicLong eventsAccepted = new AtomicLong();
    public final AtomicLong liveOk = new AtomicLong();

    public long maxMillis() {
      synchronized (latenciesMicros) {
        return latenciesMicros.stream().mapToLong(Long::longValue).max().orElse(0) / 1000;
      }
    }

    public long percentileMillis(double p) {
      List<Long> sorted;
      synchronized (latenciesMicros) {
        sorted = new ArrayList<>(latenciesMicros);
      }
      if (sorted.isEmpty()) {
        return 0;
      }
      Collections.sort(sorted);
      return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1000;
    }

    public long count() {
      return latenciesMicros.size();
    }

    @Override
    public String toString() {
      return count() + " requests (" + eventsAccepted + " events accepted, " + liveOk + " /health/live OK), "
          + failures.size() + " failed; latency p50 " + percentileMillis(50) + " ms, p99 " + percentileMillis(99)
          + " ms, max " + maxMillis() + " ms";
    }
  }

  /**
   * A well-behaved client: one event request and one {@code GET /health/live} after another, each
   * allowed {@code timeout}, on one keep-alive HTTP client, until {@link #close()}.
   */
  public Probe probe(String baseUrl, Duration timeout, Duration pause) {
    Probe p = new Probe();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout).sslContext(RelayTestSupport.trustAll()).build();
    AtomicLong n = new AtomicLong();
    start("hostile-probe", () -> {
      while (running.get()) {
        long i = n.incrementAndGet();
        String event = "{\"name\":\"probe\",\"data\":{\"n\":" + i + "}}";
        timed(p, "event " + i, () -> http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/customers/probe-" + (i % 50)
            + "/events")).timeout(timeout).header("Authorization", basicAuth).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(event)).build(), HttpResponse.BodyHandlers.ofString()), p.eventsAccepted);
        timed(p, "live " + i, () -> http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/health/live")).timeout(timeout)
            .GET().build(), HttpResponse.BodyHandlers.ofString()), p.liveOk);
        if (!pause.isZero()) {
          java.util.concurrent.locks.LockSupport.parkNanos(pause.toNanos());
        }
      }
    });
    return p;
  }

  interface Call {
    HttpResponse<String> send() throws Exception;
  }

  private static void timed(Probe p, String label, Call call, AtomicLong ok) {
    long t0 = System.nanoTime();
    try {
      HttpResponse<String> r = call.send();
      p.latenciesMicros.add((System.nanoTime() - t0) / 1000);
      if (r.statusCode() == 200) {
        ok.incrementAndGet();
      } else {
        p.failures.add(label + ": HTTP " + r.statusCode() + " " + r.body());
      }
    } catch (Exception e) {
      p.latenciesMicros.add((System.nanoTime() - t0) / 1000);
      p.failures.add(label + ": " + e);
    }
  }

  private static String firstLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        return sb.toString().trim();
      }
      sb.append((char) c);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  private void start(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Stops every client and closes every socket; waits up to 10 s for the threads. */
  @Override
  public void close() {
    running.set(false);
    trickle.shutdownNow();
    sockets.forEach(HostileTraffic::close);
    for (Thread t : threads) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Peak and current resident memory of a process, from {@code /proc/<pid>/status}, in MB. */
  static long[] rssMegabytes(long pid) {
    try {
      long hwm = 0;
      long rss = 0;
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          hwm = Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        } else if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
      }
      return new long[] {hwm, rss};
    } catch (IOException | NumberFormatException e) {
      return new long[] {-1, -1};
    }
  }

  /**
   * Measures a running relay from outside:
   * {@code HostileTraffic slow|flood <relay base url> <webhook port> <site id> <api key> <seconds> [relay pid]}.
   * Prints the probe's latencies, how the hostile connections ended and the relay's resident memory.
   */
  public static void main(String[] args) throws Exception {
    String attack = args[0];
    URI base = URI.create(args[1]);
    int webhookPort = Integer.parseInt(args[2]);
    long seconds = Long.parseLong(args[5]);
    long pid = args.length > 6 ? Long.parseLong(args[6]) : -1;
    try (HostileTraffic h = new HostileTraffic(base.getHost(), args[3], args[4])) {
      Probe before = h.probe(base.toString(), Duration.ofSeconds(2), Duration.ofMillis(50));
      long peak = 0;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < end) {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
      }
      System.out.println("before the attack: " + before);
      if (attack.equals("slow")) {
        h.slowBodies(32, webhookPort, "/webhooks/customerio", false, Duration.ofSeconds(2));
        h.slowBodies(32, base.getPort(), "/api/v1/customers/slow/events", true, Duration.ofSeconds(2));
      } else if (attack.equals("flood")) {
        h.flood(3, base.getPort());
      } else {
        h.floodNewConnections(3, base.getPort());
      }
      int before0 = before.latenciesMicros.size();
      int failedBefore = before.failures.size();
      end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < end) {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        if (pid > 0) {
          peak = Math.max(peak, rssMegabytes(pid)[1]);
        }
      }
      List<Long> during;
      synchronized (before.latenciesMicros) {
        during = new ArrayList<>(before.latenciesMicros.subList(before0, before.latenciesMicros.size()));
      }
      Collections.sort(during);
      System.out.println("during the attack (" + seconds + " s): " + during.size() + " probe requests, "
          + (before.failures.size() - failedBefore) + " failures "
          + before.failures.subList(failedBefore, Math.min(failedBefore + 5, before.failures.size()))
          + "; latency p50 " + pct(during, 50) + " ms, p99 " + pct(during, 99) + " ms, max " + pct(during, 100) + " ms, over 2 s: "
          + during.stream().filter(l -> l > 2_000_000).count());
      if (attack.equals("slow")) {
        List<Long> held = new ArrayList<>(h.slowHeldMillis);
        Collections.sort(held);
        System.out.println("slow connections: " + h.slowOpened + " opened; 408: " + h.slowAnswered408 + ", refused 503: "
            + h.slowRefusedAtConnect + ", other answer: " + h.slowAnsweredOther + ", closed without answer: "
            + h.slowClosedWithoutAnswer + "; each held for p50 " + (held.isEmpty() ? 0 : held.get(held.size() / 2))
            + " ms, max " + (held.isEmpty() ? 0 : held.get(held.size() - 1)) + " ms");
      } else {
        System.out.println(attack + ": " + h.floodSent + " bodies of 1 MB sent, " + h.floodFailed + " failed; sample answer: "
            + h.floodSample);
      }
      if (pid > 0) {
        long[] now = rssMegabytes(pid);
        System.out.println("relay RSS: peak during the attack " + peak + " MB (sampled every 200 ms), VmHWM " + now[0]
            + " MB, now " + now[1] + " MB");
      }
    }
  }

  private static long pct(List<Long> sortedMicros, double p) {
    if (sortedMicros.isEmpty()) {
      return 0;
    }
    return sortedMicros.get(Math.min(sortedMicros.size() - 1, Math.max(0, (int) Math.ceil(p / 100.0 * sortedMicros.size()) - 1)))
        / 1000;
  }
}
