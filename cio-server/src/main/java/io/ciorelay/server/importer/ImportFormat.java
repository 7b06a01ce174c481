package io.ciorelay.server.importer;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The input format: one JSON object per line, CSV with a header row, or Segment-spec calls one per
 * line ({@code segment}: identify, track, page, screen, group, alias, as a Data Pipelines or Segment
 * export writes them).
 */
public enum ImportFormat {
  NDJSON, CSV, SEGMENT;

  /**
   * The format named by a file's extension: {@code .ndjson} and {@code .jsonl} are NDJSON, {@code .csv} is CSV.
   *
   * @throws ImportException for any other extension
   */
  static ImportFormat fromFileName(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".ndjson") || name.endsWith(".jsonl")) {
      return NDJSON;
    }
    if (name.endsWith(".csv")) {
      return CSV;
    }
    throw new ImportException("cannot tell the format of " + file.getFileName()
        + " from its extension (known: .ndjson, .jsonl, .csv); name it with --format ndjson|csv");
  }

  /**
   * The format of a file given without {@code --format}: by extension, and an NDJSON file whose
   * first line is a Segment-spec call (a {@code type} of identify, track, page, screen, group or
   * alias, and a {@code messageId}) is {@link #SEGMENT}.
   *
   * @throws ImportException for an unknown extension
   */
  static ImportFormat detect(Path file) {
    ImportFormat f = fromFileName(file);
    if (f != NDJSON) {
      return f;
    }
    try (java.io.BufferedReader r = java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
      String line;
      do {
        line = r.readLine();
      } while (line != null && line.isBlank());
      if (line == null || line.length() > 1_000_000) {
        return NDJSON;
      }
      com.fasterxml.jackson.databind.JsonNode n = RowParser.MAPPER.readTree(line.replace("\uFEFF", ""));
      return n != null && n.isObject() && n.path("messageId").isTextual()
          && io.ciorelay.server.pipelines.PipelinesMapping.TYPES.contains(n.path("type").asText()) ? SEGMENT : NDJSON;
    } catch (java.io.IOException | RuntimeException e) {
      return NDJSON; // the import itself reports what is wrong with the file
    }
  }
}
