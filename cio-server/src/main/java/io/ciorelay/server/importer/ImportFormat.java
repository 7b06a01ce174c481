package io.ciorelay.server.importer;

import java.nio.file.Path;
import java.util.Locale;

/** The input format: one JSON object per line, or CSV with a header row. */
public enum ImportFormat {
  NDJSON, CSV;

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
}
