package io.ciorelay.server.torture;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cio torture}: the seeded fault-schedule run ({@link Torture}) for as long as asked. Exit
 * code 0 when every invariant held, 1 when one was violated (the output names it and prints the
 * replay command), 2 for bad options. Not thread-safe; one instance per invocation.
 */
@Command(name = "torture", mixinStandardHelpOptions = true,
    description = {"Drive the delivery engine against the built-in simulator through a random, seeded schedule of faults "
        + "(5xx, 429 with and without Retry-After, resets, hangs, stalled bodies, lost acknowledgements, 404/3xx, 401, "
        + "store restarts, Redis stores joining and leaving) and check that nothing acknowledged is lost, no event gets "
        + "two ids, per-person order and the rate limit hold, and every lane recovers.",
        "A failing run prints its seed and the command that replays it."})
public final class TortureCommand implements Callable<Integer> {

  @Option(names = "--seconds", defaultValue = "60", description = "How long faults are injected, per store (default ${DEFAULT-VALUE}).")
  long seconds;

  @Option(names = "--seed", description = "The seed of the schedule and the workload (default: a random one, printed).")
  Long seed;

  @Option(names = "--store", defaultValue = "both", description = "sqlite, redis or both (default ${DEFAULT-VALUE}).")
  String store;

  @Option(names = "--faults", defaultValue = "all", description = "Comma-separated fault kinds: all, or any of 5xx, 429, 429-no-retry-after, reset, hang, stall-body, lost-ack, 404, "
      + "3xx, 401, store-restart, membership (default ${DEFAULT-VALUE}).")
  String faults;

  @Option(names = "--redis-uri", description = "Use this Redis (under a fresh key prefix, deleted afterwards; Redis is then "
      + "not restarted) instead of a private redis-server child.")
  String redisUri;

  @Option(names = "--work-dir", description = "Where the SQLite file, Redis files and child logs go (default: a new temporary directory).")
  Path workDir;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    Torture.Options options;
    try {
      Set<String> stores = switch (store) {
        case "both" -> Set.of("sqlite", "redis");
        case "sqlite", "redis" -> Set.of(store);
        default -> throw new IllegalArgumentException("--store must be sqlite, redis or both but was " + store);
      };
      if (seconds < 5 || seconds > 7 * 24 * 3600) {
        throw new IllegalArgumentException("--seconds must be in 5..604800 but was " + seconds);
      }
      long s = seed != null ? seed : new java.security.SecureRandom().nextLong();
      Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("cio-torture-");
      options = new Torture.Options(s, Duration.ofSeconds(seconds), stores, FaultKind.parse(faults), redisUri, dir);
    } catch (IllegalArgumentException e) {
      err.println("cio torture: " + e.getMessage());
      err.flush();
      return 2;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("cio torture: work directory " + options.workDir());
    return new Torture(out).run(options).passed() ? 0 : 1;
  }
}
