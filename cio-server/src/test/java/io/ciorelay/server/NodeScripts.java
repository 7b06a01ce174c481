package io.ciorelay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs node scripts and installs npm packages for tests, under {@code target/}. Node and npm are
 * required: without them a test using this fails rather than skips.
 */
public final class NodeScripts {
  /** The module directory ({@code basedir} under Maven). */
  public static final Path MODULE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();

  private NodeScripts() {}

  /** The exit code and everything the command printed. */
  public record Run(int exit, String output) {}

  /** Runs {@code command} in {@code dir}, output to {@code log}; fails the test if it cannot start or outlives the timeout. */
  public static Run run(Path dir, List<String> command, Map<String, String> env, Path log, long timeoutSeconds)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      fail("cannot run " + command + " (node and npm must be installed): " + e.getMessage());
      return null;
    }
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(command + " did not finish within " + timeoutSeconds + " s; output:\n" + Files.readString(log));
    }
    return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  /**
   * Installs {@code spec} (e.g. {@code customerio-node@5}) under {@code dir/node_modules} unless
   * {@code dir/node_modules/<name>/package.json} already mentions {@code versionMark}.
   */
  public static void install(Path dir, String name, String spec, String versionMark) throws Exception {
    Files.createDirectories(dir);
    Path installed = dir.resolve("node_modules/" + name + "/package.json");
    if (Files.exists(installed) && Files.readString(installed).contains(versionMark)) {
      return;
    }
    Run npm = run(dir, List.of("npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix", dir.toString(), spec),
        Map.of(), dir.resolve("npm-install.log"), 300);
    assertEquals(0, npm.exit(), "npm install " + spec + " failed:\n" + npm.output());
    assertTrue(Files.exists(installed), name + " not installed:\n" + npm.output());
  }
}
