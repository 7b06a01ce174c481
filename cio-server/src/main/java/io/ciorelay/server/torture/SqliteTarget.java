package io.ciorelay.server.torture;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The library on the embedded SQLite store, in a child JVM ({@link TortureChild}) so that a store
 * restart is a real {@code kill -9} followed by a new process on the same file. Reads the child's
 * report lines into the {@link Ledger}. Not thread-safe: one run drives it; the reader thread only
 * touches the ledger and futures.
 */
final class SqliteTarget implements Target {
  private final String baseUrl;
  private final String siteId;
  private final String apiKey;
  private final Path dir;
  private final Workload workload;
  private final long seed;
  private final int persons;
  private final int perSecond;
  private final Ledger ledger = new Ledger();
  private Child child;
  private int starts;
  private int kills;

  SqliteTarget(String baseUrl, String siteId, String apiKey, Path dir, long seed, int persons, int perSecond) {
    this.baseUrl = baseUrl;
    this.siteId = siteId;
    this.apiKey = apiKey;
    this.dir = dir;
    this.seed = seed;
    this.persons = persons;
    this.perSecond = perSecond;
    this.workload = new Workload(seed, persons);
  }

  /** One child process and the thread reading its stdout. */
  private final class Child {
    final Process process;
    final Writer stdin;
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    volatile CompletableFuture<Void> answer = new CompletableFuture<>();
    final List<DeadLetterSeen> report = new ArrayList<>();

    Child(long startIndex) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> cmd = List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
          TortureChild.class.getName(), baseUrl, siteId, apiKey, dir.resolve("outbox.db").toString(),
          Long.toString(seed), Integer.toString(persons), Long.toString(startIndex), Integer.toString(perSecond));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(
          dir.resolve("child-stderr.log").toFile()));
      pb.environment().keySet().removeIf(k -> k.startsWith("CIO_"));
      process = pb.start();
      stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      Thread reader = new Thread(this::read, "torture-child-reader");
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          handle(line);
        }
      } catch (IOException e) {
        // the child died; ended below
      } finally {
        ready.completeExceptionally(new IllegalStateException("the child exited; see " + dir.resolve("child-stderr.log")));
        answer.completeExceptionally(new IllegalStateException("the child exited"));
        ended.complete(null);
      }
    }

    private void handle(String line) {
      String[] f = line.split(" ", 5);
      switch (f[0]) {
        case "READY" -> ready.complete(null);
        case "A" -> ledger.offering(Long.parseLong(f[1]));
        case "D" -> {
          ledger.accepted();
          ledger.durable(workload.op(Long.parseLong(f[1])), "-".equals(f[2]) ? null : f[2], System.currentTimeMillis());
        }
        case "F" -> ledger.accepted();
        case "R" -> ledger.refused();
        case "X" -> report.add(new DeadLetterSeen(f[1], Long.parseLong(f[2]), Integer.parseInt(f[3]),
            f.length > 4 ? f[4] : ""));
        case "STOPPED", "REPORT-END", "CLOSED" -> answer.complete(null);
        default -> {
          // ignore anything else (the library logs to stderr)
        }
      }
    }

    void command(String c) throws Exception {
      answer = new CompletableFuture<>();
      report.clear();
      stdin.write(c + "\n");
      stdin.flush();
      answer.get(60, TimeUnit.SECONDS);
    }
  }

  @Override
  public String name() {
    return "sqlite";
  }

  @Override
  public Set<FaultKind> supported() {
    Set<FaultKind> s = EnumSet.allOf(FaultKind.class);
    s.remove(FaultKind.MEMBERSHIP);
    return s;
  }

  @Override
  public void start() throws Exception {
    Files.createDirectories(dir);
    child = new Child(ledger.nextIndex());
    starts++;
    child.ready.get(120, TimeUnit.SECONDS);
  }

  @Override
  public void restartStore() throws Exception {
    Process p = child.process;
    // SIGKILL: no shutdown hook, no close, no flush — the crash the embedded store must survive.
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
    child.ended.get(30, TimeUnit.SECONDS);
    kills++;
    start();
  }

  @Override
  public void changeMembership(Random random) {
    throw new UnsupportedOperationException("the SQLite store has no fleet");
  }

  @Override
  public void stopFeeding() throws Exception {
    child.command("STOP");
  }

  @Override
  public Ledger ledger() {
    return ledger;
  }

  @Override
  public List<DeadLetterSeen> deadLetters() throws Exception {
    child.command("REPORT");
    return List.copyOf(child.report);
  }

  @Override
  public String describeEvents() {
    return starts + " child JVM(s) started, " + kills + " killed with SIGKILL and restarted on the same file";
  }

  @Override
  public void close() {
    if (child == null) {
      return;
    }
    try {
      if (child.process.isAlive()) {
        child.command("CLOSE");
      }
      child.process.waitFor(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // forced below
    } finally {
      child.process.destroyForcibly();
    }
  }
}
