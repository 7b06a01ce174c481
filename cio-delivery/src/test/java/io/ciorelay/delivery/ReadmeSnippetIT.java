package io.ciorelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's dependency snippet works from a local install: a separate Maven project
 * ({@code src/it/readme-snippet}) whose only dependency is that snippet, built by a child Maven
 * against a local repository under {@code target/} holding this build's jars (the parent POM,
 * cio-client and cio-delivery, laid out as {@code ./mvnw install} would), with everything else
 * read from the usual local repository as a read-only tail. Its test runs the README's code on the
 * module path. Nothing is installed into the shared repository.
 */
class ReadmeSnippetIT {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path WORK = Path.of("target", "readme-snippet").toAbsolutePath();

  @Test
  void theReadmeDependencySnippetResolvesAndRunsFromALocalInstall() throws Exception {
    String version = System.getProperty("cio.version", "0.1.0-SNAPSHOT");
    Path project = WORK.resolve("project");
    Path repo = WORK.resolve("repo");
    deleteTree(WORK);
    copyTree(Path.of("src", "it", "readme-snippet"), project);
    assertEquals(readmeSnippet(), pomSnippet(project.resolve("pom.xml")),
        "src/it/readme-snippet/pom.xml must use README.md's dependency snippet as it is");

    install(repo, "cio-relay-parent", version, ROOT.resolve("pom.xml"), null);
    for (String module : List.of("cio-client", "cio-delivery")) {
      Path jar = ROOT.resolve(module).resolve("target").resolve(module + "-" + version + ".jar");
      assertTrue(Files.exists(jar), jar + " is not built (run with -am, at the package phase or later)");
      install(repo, module, version, ROOT.resolve(module).resolve("pom.xml"), jar);
    }

    String tail = System.getProperty("maven.repo.local",
        Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
    Path log = WORK.resolve("build.log");
    Process p = new ProcessBuilder(ROOT.resolve("mvnw").toString(), "-o", "-B", "-f", project.resolve("pom.xml").toString(),
        "-Dmaven.repo.local=" + repo, "-Dmaven.repo.local.tail=" + tail, "test")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the example build did not finish in 5 minutes");
    String out = Files.readString(log);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("Tests run: 1, Failures: 0, Errors: 0"), out);
    assertTrue(out.contains("README snippet: accepted=true durable=true accepted operations=2"), out);
    assertTrue(out.contains("[debug release 17 module-path]"), "compiled against the library's modules: " + out);
  }

  /** The first dependency of README.md's "The library" section. */
  static String readmeSnippet() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    int section = readme.indexOf("## The library");
    Matcher m = Pattern.compile("```xml\n(<dependency>.*?</dependency>)\n```", Pattern.DOTALL).matcher(readme);
    assertTrue(section >= 0 && m.find(section), "README.md has no dependency snippet under '## The library'");
    return m.group(1);
  }

  static String pomSnippet(Path pom) throws IOException {
    Matcher m = Pattern.compile("(?m)^(<dependency>.*?</dependency>)$", Pattern.DOTALL).matcher(Files.readString(pom));
    assertTrue(m.find(), pom + " has no unindented <dependency> block");
    return m.group(1);
  }

  /** As {@code install:install-file} lays an artifact out in a local repository. */
  static void install(Path repo, String artifact, String version, Path pom, Path jar) throws IOException {
    Path dir = repo.resolve("io/ciorelay").resolve(artifact).resolve(version);
    Files.createDirectories(dir);
    Files.copy(pom, dir.resolve(artifact + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
    if (jar != null) {
      Files.copy(jar, dir.resolve(artifact + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path f : (Iterable<Path>) all::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(f);
      }
    }
  }
}
