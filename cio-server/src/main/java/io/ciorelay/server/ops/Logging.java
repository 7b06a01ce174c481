package io.ciorelay.server.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Applies the command line's log settings to Logback (configured by {@code logback.xml}): the
 * format of the console lines ({@code text} or {@code json}, one JSON object per line) and the
 * levels. Called once, early, from the command's thread; not thread-safe.
 */
public final class Logging {
  /** Root of our own loggers; the libraries' are under the root logger (WARN). */
  public static final String OURS = "io.ciorelay";

  private Logging() {}

  /**
   * @param format {@code text} (default) or {@code json}, case-insensitive; null keeps the current one
   * @param level the level of our own loggers ({@code trace..error}, {@code off}); null keeps INFO
   * @param levels further loggers by name (e.g. {@code org.eclipse.jetty=info}; {@code root} is the root)
   * @throws IllegalArgumentException naming the option and the allowed values
   */
  public static void configure(String format, String level, Map<String, String> levels) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return; // another SLF4J binding chosen by the user: its own configuration applies
    }
    if (level != null) {
      ctx.getLogger(OURS).setLevel(level("--log-level", level));
    }
    for (Map.Entry<String, String> e : levels.entrySet()) {
      String name = e.getKey().equalsIgnoreCase("root") ? Logger.ROOT_LOGGER_NAME : e.getKey();
      ctx.getLogger(name).setLevel(level("--log-level-of " + e.getKey(), e.getValue()));
    }
    if (format == null || format.equalsIgnoreCase("text")) {
      return;
    }
    if (!format.equalsIgnoreCase("json")) {
      throw new IllegalArgumentException("--log-format must be text or json but was '" + format + "'");
    }
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> console) {
        JsonEncoder json = new JsonEncoder();
        json.setContext(ctx);
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithContext(false);
        json.setWithArguments(false);
        json.setWithFormattedMessage(true);
        json.setWithMessage(false);
        json.start();
        console.stop();
        console.setEncoder(json);
        console.start();
      }
    }
  }

  /** @throws IllegalArgumentException stating the levels unless {@code value} is one (case-insensitive) */
  public static void checkLevel(String value) {
    if (Level.toLevel(value.trim().toUpperCase(Locale.ROOT), null) == null) {
      throw new IllegalArgumentException("must be one of trace, debug, info, warn, error, off");
    }
  }

  /** @throws IllegalArgumentException stating the formats unless {@code value} is text or json (case-insensitive) */
  public static void checkFormat(String value) {
    if (!value.equalsIgnoreCase("text") && !value.equalsIgnoreCase("json")) {
      throw new IllegalArgumentException("must be text or json");
    }
  }

  private static Level level(String option, String value) {
    Level l = Level.toLevel(value.trim().toUpperCase(Locale.ROOT), null);
    if (l == null) {
      throw new IllegalArgumentException(option + " must be one of trace, debug, info, warn, error, off but was '"
          + value + "'");
    }
    return l;
  }
}
