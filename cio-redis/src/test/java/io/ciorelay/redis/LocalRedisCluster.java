package io.ciorelay.redis;

import static org.awaitility.Awaitility.await;

import io.lettuce.core.MigrateArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A Redis Cluster of child {@code redis-server} processes on loopback ports, for tests (cio-redis's
 * own, and other modules' through its test jar): {@code masters} masters, each with {@code replicasPerMaster} replicas, no
 * persistence, joined with {@code redis-cli --cluster create}. It can fail a master over, kill a
 * node with {@code kill -9} and move a slot to another master while clients keep working, and
 * kills every node on {@link #close()}. Needs {@code redis-server} and {@code redis-cli} (7.0 or
 * later) on the PATH ({@link #available()}).
 *
 * <p>Not thread-safe: one test or benchmark drives it.
 */
public final class LocalRedisCluster implements AutoCloseable {
  private static final String HOST = "127.0.0.1";
  private static final Duration READY = Duration.ofSeconds(30);

  private final Path dir;
  private final Map<Integer, Process> nodes = new LinkedHashMap<>();
  private final Map<Integer, StatefulRedisConnection<String, String>> connections = new java.util.HashMap<>();
  private final RedisClient client = RedisClient.create();

  private LocalRedisCluster(Path dir) {
    this.dir = dir;
  }

  /** Whether {@code redis-server} and {@code redis-cli} are on the PATH. */
  public static boolean available() {
    return onPath("redis-server") && onPath("redis-cli");
  }

  /**
   * Starts the nodes in a fresh directory under {@code parent} and joins them; returns once every
   * node reports {@code cluster_state:ok} and agrees on who owns every slot.
   *
   * @throws IllegalStateException if a node does not start or the cluster does not form (the node logs are in the directory)
   */
  public static LocalRedisCluster start(Path parent, int masters, int replicasPerMaster) {
    if (masters < 3) {
      throw new IllegalArgumentException("masters must be >= 3 (redis-cli's minimum) but was " + masters);
    }
    if (!available()) {
      throw new IllegalStateException("redis-server and redis-cli must be on the PATH (install redis-server 7)");
    }
    LocalRedisCluster c;
    try {
      c = new LocalRedisCluster(Files.createTempDirectory(parent, "redis-cluster"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    try {
      int n = masters * (1 + replicasPerMaster);
      for (int i = 0; i < n; i++) {
        c.launch(freePort());
      }
      List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      c.nodes.keySet().forEach(p -> cmd.add(HOST + ":" + p));
      cmd.addAll(List.of("--cluster-replicas", String.valueOf(replicasPerMaster), "--cluster-yes"));
      Process create = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(c.dir.resolve("create.log").toFile()).start();
      if (!create.waitFor(READY.toSeconds(), TimeUnit.SECONDS) || create.exitValue() != 0) {
        throw new IllegalStateException("redis-cli --cluster create failed; see " + c.dir.resolve("create.log"));
      }
      c.awaitAgreement();
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      c.close();
      throw new IllegalStateException(e);
    }
  }

  /** {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,…} over every node started. */
  public String uri() {
    return "redis-cluster://" + String.join(",", nodes.keySet().stream().map(p -> HOST + ":" + p).toList());
  }

  /** The port of the master that owns the slot of {@code key} (a hash tag counts, as in the cluster). */
  public int masterOf(String key) {
    int slot = SlotHash.getSlot(key);
    for (Node n : topology()) {
      if (n.master() && n.owns(slot)) {
        return n.port();
      }
    }
    throw new IllegalStateException("no master owns slot " + slot);
  }

  /** The ports of the replicas of the master on {@code masterPort}. */
  public List<Integer> replicasOf(int masterPort) {
    List<Node> all = topology();
    String id = all.stream().filter(n -> n.port() == masterPort).findFirst().orElseThrow().id();
    return all.stream().filter(n -> id.equals(n.masterId())).map(Node::port).toList();
  }

  /**
   * The ports of every master that holds slots and says so itself: just after a failover another
   * node's view can still flag the old master as one (its slots already gone) for a moment.
   */
  public List<Integer> masters() {
    return topology().stream().filter(n -> n.master() && !n.slots().isEmpty() && saysMaster(n.port()))
        .map(Node::port).toList();
  }

  /** Whether the node on {@code port} answers {@code ROLE} with {@code master}. */
  private boolean saysMaster(int port) {
    try {
      List<Object> role = call(port, RedisCommands::role);
      return !role.isEmpty() && "master".equals(String.valueOf(role.get(0)));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Runs {@code CLUSTER FAILOVER} on a replica and waits until every node sees it as master. */
  public void failover(int replicaPort) {
    run(replicaPort, r -> r.clusterFailover(false));
    awaitCondition(() -> topology().stream().anyMatch(n -> n.port() == replicaPort && n.master()) && agreed()
            && saysMaster(replicaPort) && everyFlaggedMasterSaysSo(), "replica " + replicaPort + " to take over as master");
  }

  /** Every node the first node's view flags as a master, and that holds slots, answers {@code ROLE} with master. */
  private boolean everyFlaggedMasterSaysSo() {
    return topology().stream().filter(n -> n.master() && !n.slots().isEmpty()).allMatch(n -> saysMaster(n.port()));
  }

  /** {@code kill -9} of one node; with a replica and the short node timeout, the replica takes over. */
  public void kill(int port) {
    Process p = nodes.remove(port);
    StatefulRedisConnection<String, String> c = connections.remove(port);
    if (c != null) {
      c.closeAsync();
    }
    if (p != null) {
      p.destroyForcibly();
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Waits until the live nodes agree again on a master for every slot (after {@link #kill}). */
  public void awaitAgreement() {
    awaitCondition(this::agreed, "the cluster nodes to agree on its topology");
  }

  /**
   * Moves {@code key}'s slot, and every key in it, to the master on {@code toPort} the way
   * {@code redis-cli --cluster reshard} does ({@code SETSLOT IMPORTING/MIGRATING}, {@code MIGRATE}
   * in pages, {@code SETSLOT NODE} on every master), while clients keep using it: during the
   * move they are answered {@code ASK} or {@code TRYAGAIN}, after it {@code MOVED}.
   */
  public void moveSlotOf(String key, int toPort) {
    int slot = SlotHash.getSlot(key);
    int fromPort = masterOf(key);
    if (fromPort == toPort) {
      return;
    }
    String fromId = nodeId(fromPort);
    String toId = nodeId(toPort);
    run(toPort, r -> r.clusterSetSlotImporting(slot, fromId));
    run(fromPort, r -> r.clusterSetSlotMigrating(slot, toId));
    while (true) {
      List<String> keys = call(fromPort, r -> r.clusterGetKeysInSlot(slot, 100));
      if (keys.isEmpty()) {
        break;
      }
      run(fromPort, r -> r.migrate(HOST, toPort, 0, 5000, MigrateArgs.Builder.keys(keys)));
    }
    run(toPort, r -> r.clusterSetSlotNode(slot, toId));
    run(fromPort, r -> r.clusterSetSlotNode(slot, toId));
    for (int m : masters()) {
      if (m != toPort && m != fromPort) {
        run(m, r -> r.clusterSetSlotNode(slot, toId));
      }
    }
    awaitCondition(() -> masterOf(key) == toPort && agreed(), "slot " + slot + " to be owned by " + toPort);
  }

  /** Runs a command on one node (over a connection kept per node). */
  public <T> T call(int port, java.util.function.Function<RedisCommands<String, String>, T> command) {
    StatefulRedisConnection<String, String> c = connections.get(port);
    if (c == null || !c.isOpen()) {
      if (c != null) {
        c.close();
      }
      RedisURI uri = RedisURI.create(HOST, port);
      uri.setTimeout(Duration.ofSeconds(5));
      c = client.connect(uri);
      connections.put(port, c);
    }
    return command.apply(c.sync());
  }

  private void run(int port, java.util.function.Function<RedisCommands<String, String>, ?> command) {
    call(port, command);
  }

  @Override
  public void close() {
    for (int port : new ArrayList<>(nodes.keySet())) {
      kill(port);
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
  }

  // ------------------------------------------------------------------ topology

  private record Node(String id, int port, boolean master, String masterId, boolean failed, List<int[]> slots) {
    boolean owns(int slot) {
      return slots.stream().anyMatch(r -> slot >= r[0] && slot <= r[1]);
    }
  }

  private String nodeId(int port) {
    return call(port, RedisCommands::clusterMyId);
  }

  /** The cluster as the first live node sees it. */
  private List<Node> topology() {
    RuntimeException last = null;
    for (int port : nodes.keySet()) {
      try {
        return parse(call(port, RedisCommands::clusterNodes));
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw last != null ? last : new IllegalStateException("no node is running");
  }

  /** Every live node says cluster_state:ok, and every live node's view has one live master per slot, the same one. */
  private boolean agreed() {
    Map<Integer, String> first = null;
    for (int port : nodes.keySet()) {
      try {
        if (!call(port, RedisCommands::clusterInfo).contains("cluster_state:ok")) {
          return false;
        }
        Map<Integer, String> owners = owners(parse(call(port, RedisCommands::clusterNodes)));
        if (owners == null || (first != null && !first.equals(owners))) {
          return false;
        }
        first = owners;
      } catch (RuntimeException e) {
        return false;
      }
    }
    return first != null;
  }

  /** Slot range start -> owner id, or null if a slot has no live master. */
  private static Map<Integer, String> owners(List<Node> view) {
    Map<Integer, String> owners = new java.util.TreeMap<>();
    int covered = 0;
    for (Node n : view) {
      if (n.master() && !n.failed()) {
        for (int[] r : n.slots()) {
          owners.put(r[0], n.id() + "@" + r[1]);
          covered += r[1] - r[0] + 1;
        }
      }
    }
    return covered == SlotHash.SLOT_COUNT ? owners : null;
  }

  private static List<Node> parse(String clusterNodes) {
    List<Node> out = new ArrayList<>();
    for (String line : clusterNodes.split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length < 8) {
        continue;
      }
      String addr = f[1].substring(0, f[1].indexOf('@'));
      int port = Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
      boolean master = f[2].contains("master");
      boolean failed = f[2].contains("fail") && !f[2].contains("fail?");
      List<int[]> slots = new ArrayList<>();
      for (int i = 8; i < f.length; i++) {
        if (f[i].startsWith("[")) {
          continue; // a slot being imported or migrated
        }
        String[] r = f[i].split("-");
        slots.add(new int[] {Integer.parseInt(r[0]), Integer.parseInt(r[r.length - 1])});
      }
      out.add(new Node(f[0], port, master, f[3].equals("-") ? null : f[3], failed, slots));
    }
    return out;
  }

  // ------------------------------------------------------------------ processes

  private void launch(int port) throws IOException {
    Path log = dir.resolve("redis-" + port + ".log");
    Process p = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", HOST,
        "--cluster-enabled", "yes", "--cluster-config-file", dir.resolve("nodes-" + port + ".conf").toString(),
        "--cluster-node-timeout", "1000", "--save", "", "--appendonly", "no", "--dir", dir.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    nodes.put(port, p);
    awaitCondition(() -> {
      try {
        return "PONG".equals(call(port, RedisCommands::ping));
      } catch (RuntimeException e) {
        if (!p.isAlive()) {
          throw new IllegalStateException("redis-server on port " + port + " exited; see " + log);
        }
        return false;
      }
    }, "redis-server on port " + port + " to answer");
  }

  private static void awaitCondition(BooleanSupplier condition, String what) {
    await(what).atMost(READY).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static boolean onPath(String binary) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, binary))) {
        return true;
      }
    }
    return false;
  }
}
