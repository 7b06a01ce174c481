package io.ciorelay.server.relay;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One configuration key of the relay and the starter: its name in the relay's properties file,
 * its environment variables, its flag, its Spring property, the builder setter it binds to, its
 * default and what it means. {@link ConfigKeys#ALL} is the one table of them; the loader, the
 * README's key table and the starter's metadata are all checked against it. Immutable and
 * thread-safe.
 *
 * <p>A name with a {@code <part>} in it ({@code relay.workspace.<name>.site-id}) is a pattern; its
 * {@link #pattern()} matches the concrete keys.
 *
 * @param file the key in the relay's properties file (also the {@code --set} name); for a secret, the
 *     name the file may not set; null for a key only the starter has
 * @param env the environment variables, the first winning; empty for none
 * @param flag the command-line flag, or null for {@code --set} only
 * @param spring the Spring Boot property, or null when the starter has none
 * @param setter the builder setter the value goes through ({@code CustomerIoConfig.Builder#linger})
 * @param defaultValue the default as documented
 * @param description one line
 * @param kind how the loader reads it
 * @param binding how a value is applied (null for a {@link Kind#SECRET} or {@link Kind#COMPOSITE})
 */
public record ConfigKey(String file, List<String> env, String flag, String spring, String setter,
    String defaultValue, String description, Kind kind, Binding binding) {

  /** How a key is read. */
  public enum Kind {
    /** One value, applied by its {@link Binding} on its own. */
    SETTING,
    /** Only from the environment (or a file named by {@code <VAR>_FILE}); refused in the properties file. */
    SECRET,
    /** Read together with other keys (workspaces, routing, TLS, credentials) by the loader. */
    COMPOSITE,
    /** Only in the Spring Boot starter. */
    SPRING_ONLY
  }

  /** Applies one value (already trimmed) of a key onto the builders of {@link ConfigTarget}. */
  @FunctionalInterface
  public interface Binding {
    /**
     * @param key the concrete key (for a pattern key, with its parts filled in)
     * @throws IllegalArgumentException naming the rule, from a parser or a library setter
     */
    void apply(ConfigTarget target, String key, String text);
  }

  public ConfigKey {
    Objects.requireNonNull(kind, "kind");
    if (kind != Kind.SPRING_ONLY) {
      Objects.requireNonNull(file, "file");
    } else {
      Objects.requireNonNull(spring, "spring");
    }
    env = List.copyOf(env);
  }

  /** The environment variable a relay key is read from by default: {@code relay.retry.base-delay} → {@code CIO_RELAY_RETRY_BASE_DELAY}. */
  public static String envName(String key) {
    return "CIO_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The flag a relay key has by default: {@code relay.retry.base-delay} → {@code --retry-base-delay}. */
  public static String flagName(String key) {
    return "--" + key.substring("relay.".length()).replace('.', '-');
  }

  /** Whether the name has a {@code <part>} in it. */
  public boolean isPattern() {
    return file != null && file.contains("<");
  }

  /** The regular expression of the concrete keys (group 1 is the {@code <part>}). */
  public Pattern pattern() {
    String p = Pattern.quote(file);
    return Pattern.compile(p.replace("<name>", "\\E([^.]+)\\Q").replace("<logger>", "\\E(.+)\\Q"));
  }

  /** Whether the relay reads this key (every key but a starter-only one). */
  public boolean relay() {
    return kind != Kind.SPRING_ONLY;
  }
}
