package io.ciorelay.server.torture;

import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.simulator.Faults;
import io.ciorelay.simulator.RecordedOperation;
import io.ciorelay.simulator.SimulatorStats;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The seeded fault-schedule ("torture") run: drives the whole engine — the library on the SQLite
 * store in a child JVM, or two to three stores sharing a Redis — against the simulator over real
 * HTTP through a schedule of faults drawn from the seed, then checks the {@link Invariants} against
 * what the simulator recorded. The same seed, length and fault kinds give the same schedule and
 * workload (the timing of a loaded machine still varies); a failing run prints the command that
 * replays it.
 *
 * <p>Not thread-safe: one run at a time per instance.
 */
public final class Torture {
  /** People in the workload; few enough that each has many operations in a short run. */
  static final int PERSONS = 40;
  /** Operations offered per second; about a third of the engine's capacity under the limit. */
  static final int OPERATIONS_PER_SECOND = 200;
  /** How long the simulator holds a hung or stalled exchange at least (a half-open connection). */
  static final Duration HELD_REQUEST_HOLD = Duration.ofSeconds(60);
  /** Longer than the hold, so a lane freed only by the hold still drains and the recovery check names it. */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(90);

  /** What to run. {@code redisUri} null: a private redis-server child (restartable). */
  public record Options(long seed, Duration length, Set<String> stores, Set<FaultKind> kinds, String redisUri, Path workDir) {
    public Options {
      if (length.isNegative() || length.isZero()) {
        throw new IllegalArgumentException("--seconds must be positive but was " + length.toSeconds());
      }
      for (String s : stores) {
        if (!s.equals("sqlite") && !s.equals("redis")) {
          throw new IllegalArgumentException("--store must be sqlite, redis or both but was " + s);
        }
      }
      stores = Set.copyOf(stores);
      kinds = Set.copyOf(kinds);
    }

    /** The command that runs exactly this again. */
    public String replayCommand() {
      String store = stores.size() == 2 ? "both" : stores.iterator().next();
      return "./cio torture --seed " + seed + " --seconds " + length.toSeconds() + " --store " + store
          + " --faults " + FaultKind.format(EnumSet.copyOf(kinds)) + (redisUri == null ? "" : " --redis-uri " + redisUri);
    }
  }

  /** One store's run: what was done and what the checks found. */
  public record StoreResult(String store, long offered, long accepted, long durable, long refusedAtCall,
      long recorded, long requests, long peakPerSecond, long duplicatesDropped, int deadLetters,
      Map<FaultKind, Integer> faults, String storeEvents, Map<String, List<String>> invariants, Duration took) {
    public boolean passed() {
      return invariants.values().stream().allMatch(List::isEmpty);
    }
  }

  /** The whole run. */
  public record Report(Options options, List<StoreResult> stores) {
    public boolean passed() {
      return stores.stream().allMatch(StoreResult::passed);
    }
  }

  private final PrintWriter log;

  public Torture(PrintWriter log) {
    this.log = log;
  }

  public Report run(Options o) throws Exception {
    List<StoreResult> results = new ArrayList<>();
    for (String store : List.of("sqlite", "redis")) {
      if (o.stores().contains(store)) {
        StoreResult r = runStore(o, store);
        print(r);
        results.add(r);
      }
    }
    Report report = new Report(o, results);
    printVerdict(report);
    return report;
  }

  private StoreResult runStore(Options o, String store) throws Exception {
    long started = System.nanoTime();
    long seed = o.seed() ^ (store.equals("redis") ? 0x5EED_0F_4ED15L : 0);
    Path dir = Files.createDirectories(o.workDir().resolve(store));
    try (CioSimulator sim = CioSimulator.builder().rateLimit(EngineSettings.WORKSPACE_LIMIT).random(new Random(seed))
        .build().start()) {
      sim.faults().poison(Workload.POISON, Faults.PoisonMode.OPERATION);
      // A hung or stalled exchange stays open a minute even after its window: only the client's own
      // deadline frees its lane in time (the recovery bound is far shorter).
      sim.faults().holdHeldRequests(HELD_REQUEST_HOLD);
      Target target = store.equals("sqlite")
          ? new SqliteTarget(sim.baseUrl(), sim.siteId(), sim.apiKey(), dir, seed, PERSONS, OPERATIONS_PER_SECOND)
          : new RedisTarget(sim.baseUrl(), sim.siteId(), sim.apiKey(), dir, o.redisUri(), seed, PERSONS, OPERATIONS_PER_SECOND);
      try (target) {
        Set<FaultKind> kinds = new HashSet<>(o.kinds());
        kinds.retainAll(target.supported());
        long bound = EngineSettings.recoveryBound(store.equals("redis")).toMillis();
        Schedule schedule = Schedule.generate(seed, o.length(), kinds, Duration.ofMillis(bound));
        log.printf(Locale.ROOT, "torture %s: seed %d, %d s, %d fault window(s) of %s; recovery bound %d ms%n", store,
            o.seed(), o.length().toSeconds(), schedule.windows().size(), FaultKind.format(EnumSet.copyOf(
                kinds.isEmpty() ? Set.of(FaultKind.SERVER_ERRORS) : kinds)), bound);
        log.flush();
        target.start();
        long t0 = System.currentTimeMillis();
        Random membership = new Random(seed + 1);
        Map<FaultKind, Integer> injected = new EnumMap<>(FaultKind.class);
        List<Invariants.Happened> happened = new ArrayList<>();
        for (Schedule.Window w : schedule.windows()) {
          Poll.untilTime(t0 + w.startMillis());
          long start = System.currentTimeMillis();
          inject(sim, target, w, membership);
          long end = System.currentTimeMillis();
          happened.add(new Invariants.Happened(w.kind(), start, end));
          injected.merge(w.kind(), 1, Integer::sum);
          log.printf(Locale.ROOT, "  %6.1f s  %-20s %5d ms%n", (start - t0) / 1000.0, w.kind().cliName(), end - start);
          log.flush();
        }
        Poll.untilTime(t0 + o.length().toMillis());
        target.stopFeeding();
        sim.faults().endOutage().errorRate(0);
        Ledger ledger = target.ledger();
        Set<Long> waitingFor = new HashSet<>();
        for (Ledger.Durable d : ledger.durable()) {
          waitingFor.add(d.op().index());
        }
        // Drain: every durable operation at the simulator (or refused there), the dead letters written.
        Poll.until(() -> {
          waitingFor.removeAll(recordedSeqs(sim));
          return waitingFor.isEmpty();
        }, DRAIN_TIMEOUT, Duration.ofMillis(500));
        long poisoned = ledger.durable().stream().filter(d -> d.op().kind() == Workload.Kind.POISONED_EVENT).count();
        List<Target.DeadLetterSeen> dead = new ArrayList<>();
        Poll.until(() -> {
          try {
            dead.clear();
            dead.addAll(target.deadLetters());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return dead.size() >= poisoned;
        }, Duration.ofSeconds(30), Duration.ofMillis(500));
        SimulatorStats stats = sim.stats();
        List<RecordedOperation> records = sim.records().all();
        Map<String, List<String>> invariants = Invariants.check(ledger.durable(), records, sim.records().refused(), dead,
            stats.peakRequestsPerSecond(), happened, bound, target.lanes());
        return new StoreResult(store, ledger.nextIndex(), ledger.acceptedCount(), ledger.durableCount(),
            ledger.refusedCount(), records.size(), stats.totalRequests(), stats.peakRequestsPerSecond(),
            stats.duplicateEvents(), dead.size(), injected, target.describeEvents(), invariants,
            Duration.ofNanos(System.nanoTime() - started));
      }
    }
  }

  private static Set<Long> recordedSeqs(CioSimulator sim) {
    Set<Long> out = new HashSet<>();
    for (RecordedOperation r : sim.records().all()) {
      out.add(seq(r));
    }
    for (RecordedOperation r : sim.records().refused()) {
      out.add(seq(r));
    }
    return out;
  }

  private static long seq(RecordedOperation r) {
    String a = r.attributesJson();
    int i = a == null ? -1 : a.indexOf("\"seq\":");
    if (i < 0) {
      return -1;
    }
    int j = i + 6;
    int k = j;
    while (k < a.length() && Character.isDigit(a.charAt(k))) {
      k++;
    }
    return k > j ? Long.parseLong(a.substring(j, k)) : -1;
  }

  private static void inject(CioSimulator sim, Target target, Schedule.Window w, Random membership) throws Exception {
    Faults f = sim.faults();
    switch (w.kind()) {
      case STORE_RESTART -> target.restartStore();
      case MEMBERSHIP -> target.changeMembership(membership);
      case SERVER_ERRORS -> {
        f.errorRate(0.5);
        Poll.untilTime(System.currentTimeMillis() + w.durationMillis());
        f.errorRate(0);
      }
      default -> {
        f.outage(Duration.ofMillis(w.durationMillis()), w.kind().mode());
        Poll.untilTime(System.currentTimeMillis() + w.durationMillis());
        f.endOutage();
      }
    }
  }

  private void print(StoreResult s) {
    log.printf(Locale.ROOT, "torture %s: %s in %d s%n", s.store(), s.passed() ? "PASSED" : "FAILED", s.took().toSeconds());
    log.printf(Locale.ROOT, "  operations: %d offered, %d accepted, %d durable, %d refused at the call; "
        + "%d recorded by the simulator, %d repeats dropped by id, %d dead letters%n", s.offered(), s.accepted(),
        s.durable(), s.refusedAtCall(), s.recorded(), s.duplicatesDropped(), s.deadLetters());
    log.printf(Locale.ROOT, "  requests: %d, peak %d in one second (limit %d)%n", s.requests(), s.peakPerSecond(),
        EngineSettings.WORKSPACE_LIMIT);
    StringBuilder faults = new StringBuilder();
    s.faults().forEach((k, n) -> faults.append(faults.length() == 0 ? "" : ", ").append(k.cliName()).append(' ').append(n));
    log.printf(Locale.ROOT, "  faults injected: %s%n", faults.length() == 0 ? "none" : faults);
    log.printf(Locale.ROOT, "  store: %s%n", s.storeEvents());
    s.invariants().forEach((name, violations) -> {
      log.printf(Locale.ROOT, "  [%s] %s%n", violations.isEmpty() ? "ok" : "VIOLATED", name);
      violations.forEach(v -> log.printf(Locale.ROOT, "      %s%n", v));
    });
    log.flush();
  }

  private void printVerdict(Report r) {
    if (!r.passed()) {
      log.printf(Locale.ROOT, "torture FAILED with seed %d; replay: %s%n", r.options().seed(), r.options().replayCommand());
    } else {
      log.printf(Locale.ROOT, "torture passed (seed %d; replay: %s)%n", r.options().seed(), r.options().replayCommand());
    }
    log.flush();
  }
}
