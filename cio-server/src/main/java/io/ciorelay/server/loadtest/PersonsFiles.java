package io.ciorelay.server.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the persons files the Gatling load test writes ({@code load-test-persons-<runId>.txt}: one
 * person id per line; blank lines and lines starting with {@code #} are skipped). A directory stands
 * for every such file in it. Only load-test ids ({@code load-<runId>-<n>}) are accepted, so a file of
 * real customers cannot be deleted by mistake. Stateless and thread-safe.
 */
public final class PersonsFiles {
  /** How the load test names its persons. */
  public static final Pattern LOAD_TEST_ID = Pattern.compile("load-[A-Za-z0-9_.-]{1,40}-[0-9]{1,12}");
  static final String FILE_GLOB = "load-test-persons-*.txt";
  private static final int MAX_REPORTED = 10;

  private PersonsFiles() {}

  /**
   * Reads the ids in the given files and directories, in order, without repeats.
   *
   * @throws PersonsFileException naming the file (and line) if a path is missing or unreadable, a
   *     directory holds no persons file, a file holds no ids, or a line is not a load-test person id
   */
  public static List<String> read(List<Path> paths) {
    if (paths == null || paths.isEmpty()) {
      throw new PersonsFileException("no persons file given: pass --persons FILE (or a directory of "
          + FILE_GLOB + " files)");
    }
    Set<String> ids = new LinkedHashSet<>();
    for (Path p : paths) {
      for (Path f : files(p)) {
        ids.addAll(readFile(f));
      }
    }
    return new ArrayList<>(ids);
  }

  private static List<Path> files(Path p) {
    if (Files.isDirectory(p)) {
      List<Path> found = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(p, FILE_GLOB)) {
        ds.forEach(found::add);
      } catch (IOException e) {
        throw new PersonsFileException("cannot list " + p + ": " + e.getMessage());
      }
      if (found.isEmpty()) {
        throw new PersonsFileException("directory " + p + " holds no " + FILE_GLOB + " file");
      }
      found.sort(null);
      return found;
    }
    if (!Files.exists(p)) {
      throw new PersonsFileException("persons file " + p + " does not exist");
    }
    return List.of(p);
  }

  private static List<String> readFile(Path f) {
    List<String> lines;
    try {
      lines = Files.readAllLines(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PersonsFileException("cannot read persons file " + f + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
    List<String> ids = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    int badCount = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (!LOAD_TEST_ID.matcher(line).matches()) {
        badCount++;
        if (bad.size() < MAX_REPORTED) {
          bad.add("line " + (i + 1) + ": '" + abbreviate(line) + "'");
        }
        continue;
      }
      ids.add(line);
    }
    if (badCount > 0) {
      throw new PersonsFileException(f + " has " + badCount + " line(s) that are not load-test person ids "
          + "(load-<runId>-<n>); nothing was sent: " + String.join(", ", bad) + (badCount > bad.size() ? ", ..." : ""));
    }
    if (ids.isEmpty()) {
      throw new PersonsFileException("persons file " + f + " holds no person ids");
    }
    return ids;
  }

  private static String abbreviate(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().limit(60).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return s.codePointCount(0, s.length()) > 60 ? b + "..." : b.toString();
  }
}
