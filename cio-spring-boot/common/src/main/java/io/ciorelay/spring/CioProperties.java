package io.ciorelay.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The {@code cio.*} properties: one workspace at the top level, or several under
 * {@code cio.workspaces.<name>.*} (each falling back to the top-level values it does not set),
 * the shared Redis store, the routing rule and the shutdown timeout. Bound onto the library's
 * builders by {@link CioConfigBinder}, whose checks are the only ones. Mutable JavaBean for
 * Spring's binder; not thread-safe.
 */
@ConfigurationProperties(prefix = "cio")
public class CioProperties extends CioWorkspaceProperties {
  /** Default of {@code cio.shutdown-timeout}: the library's close timeout. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  /** Whether the starter creates the CustomerIo (or Workspaces) bean. Default true. */
  private boolean enabled = true;
  /**
   * How long closing the application keeps delivering what is pending, after the web server
   * stopped taking requests; what is left stays in the outbox for the next start. Default 30s.
   */
  private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
  /** Several workspaces by name; a Workspaces bean is created instead of a CustomerIo bean. */
  private Map<String, CioWorkspaceProperties> workspaces = new LinkedHashMap<>();
  /** How operations are routed to one of several workspaces. */
  @NestedConfigurationProperty
  private Routing routing = new Routing();
  /** A shared Redis store (outbox and fleet-wide rate limit) instead of the embedded SQLite file. */
  @NestedConfigurationProperty
  private Store store = new Store();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Duration getShutdownTimeout() {
    return shutdownTimeout;
  }

  public void setShutdownTimeout(Duration shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
  }

  public Map<String, CioWorkspaceProperties> getWorkspaces() {
    return workspaces;
  }

  public void setWorkspaces(Map<String, CioWorkspaceProperties> workspaces) {
    this.workspaces = workspaces;
  }

  public Routing getRouting() {
    return routing;
  }

  public void setRouting(Routing routing) {
    this.routing = routing;
  }

  public Store getStore() {
    return store;
  }

  public void setStore(Store store) {
    this.store = store;
  }

  /** The rule of {@code cio.routing.rule}. */
  public enum Rule {
    /** By a hash of the person over the workspaces (one logical workspace sharded). */
    HASH,
    /** By the value of {@code cio.routing.attribute}, mapped by {@code cio.routing.values}. */
    ATTRIBUTE,
    /** By an attribute whose value is us or eu, to the workspace configured for that region. */
    REGION_HINT
  }

  /** {@code cio.routing.*}: needed when several workspaces are configured and no Routing bean is defined. */
  public static class Routing {
    /** The rule: HASH, ATTRIBUTE or REGION_HINT. */
    private Rule rule;
    /** The attribute ATTRIBUTE and REGION_HINT read. */
    private String attribute;
    /** ATTRIBUTE: attribute value to workspace name. */
    private Map<String, String> values = new LinkedHashMap<>();
    /** Workspace of operations the rule cannot place (none: they are rejected). */
    private String fallback;
    /** HASH: the workspaces in hash order (default: the configured order). */
    private List<String> workspaces;

    public Rule getRule() {
      return rule;
    }

    public void setRule(Rule rule) {
      this.rule = rule;
    }

    public String getAttribute() {
      return attribute;
    }

    public void setAttribute(String attribute) {
      this.attribute = attribute;
    }

    public Map<String, String> getValues() {
      return values;
    }

    public void setValues(Map<String, String> values) {
      this.values = values;
    }

    public String getFallback() {
      return fallback;
    }

    public void setFallback(String fallback) {
      this.fallback = fallback;
    }

    public List<String> getWorkspaces() {
      return workspaces;
    }

    public void setWorkspaces(List<String> workspaces) {
      this.workspaces = workspaces;
    }
  }

  /** {@code cio.store.*}: the shared Redis store; needs io.ciorelay:cio-redis on the classpath. */
  public static class Store {
    /**
     * Redis URI, e.g. redis://127.0.0.1:6379/0 or rediss://user:password@host:6380, or a Redis Cluster,
     * redis-cluster://host:7000,host:7001. Unset: embedded SQLite.
     */
    private String uri;
    /** Key prefix; keys are PREFIX:WORKSPACE:... Default cio. */
    private String prefix;
    /** Stream shards per workspace (default: the lanes). */
    private Integer shards;
    /** Lease on a shard; a crashed instance's shards are taken over when it lapses. Default 20s. */
    private Duration leaseTtl;
    /** How often an idle instance polls its shards. Default 50ms. */
    private Duration pollInterval;
    /** Timeout of one Redis command. Default 2s. */
    private Duration commandTimeout;
    /** Replicas an append waits for (Redis WAIT). Default 0. */
    private Integer replicasToWait;
    /** How long an append waits for them. Default 1s. */
    private Duration replicaTimeout;
    /** This instance's id in the fleet. Default HOSTNAME-PID-RANDOM. */
    private String relayId;

    public String getUri() {
      return uri;
    }

    public void setUri(String uri) {
      this.uri = uri;
    }

    public String getPrefix() {
      return prefix;
    }

    public void setPrefix(String prefix) {
      this.prefix = prefix;
    }

    public Integer getShards() {
      return shards;
    }

    public void setShards(Integer shards) {
      this.shards = shards;
    }

    public Duration getLeaseTtl() {
      return leaseTtl;
    }

    public void setLeaseTtl(Duration leaseTtl) {
      this.leaseTtl = leaseTtl;
    }

    public Duration getPollInterval() {
      return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
    }

    public Duration getCommandTimeout() {
      return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
    }

    public Integer getReplicasToWait() {
      return replicasToWait;
    }

    public void setReplicasToWait(Integer replicasToWait) {
      this.replicasToWait = replicasToWait;
    }

    public Duration getReplicaTimeout() {
      return replicaTimeout;
    }

    public void setReplicaTimeout(Duration replicaTimeout) {
      this.replicaTimeout = replicaTimeout;
    }

    public String getRelayId() {
      return relayId;
    }

    public void setRelayId(String relayId) {
      this.relayId = relayId;
    }
  }
}
