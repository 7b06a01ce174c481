package io.ciorelay.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * {@code cio relay} as a child JVM on the test classpath. Its stdout and stderr go to files (not
 * pipes: {@link Process#destroy()} closes the parent's ends of pipes, and the child's last words
 * after SIGTERM would be lost).
 */
final class RelayProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("cio relay listening on (http://\\S+)");

  final Process process;
  final Path stdout;
  final Path stderr;

  private RelayProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static RelayProcess start(Path logDir, String logName, Map<String, String> env, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        Cio.class.getName(), "relay"));
    cmd.addAll(List.of(args));
    Path out = logDir.resolve(logName + "-stdout.log");
    Path err = logDir.resolve(logName + "-stderr.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("CIO_"));
    pb.environment().putAll(env);
    return new RelayProcess(pb.start(), out, err);
  }

  /** Waits for the banner and returns the relay's base URL. */
  String awaitUrl(Duration timeout) {
    Awaitility.await().atMost(timeout).until(() -> url() != null || !process.isAlive());
    String u = url();
    if (u == null) {
      throw new AssertionError("the relay did not start; output:\n" + output() + "\nstderr:\n" + errors());
    }
    return u;
  }

  String url() {
    Matcher m = LISTENING.matcher(output());
    return m.find() ? m.group(1) : null;
  }

  String output() {
    return read(stdout);
  }

  String errors() {
    return read(stderr);
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
