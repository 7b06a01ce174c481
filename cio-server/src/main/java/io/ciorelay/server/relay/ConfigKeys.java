package io.ciorelay.server.relay;

import static io.ciorelay.server.relay.ConfigValues.duration;
import static io.ciorelay.server.relay.ConfigValues.integer;
import static io.ciorelay.server.relay.ConfigValues.longValue;
import static io.ciorelay.server.relay.ConfigValues.number;

import io.ciorelay.delivery.health.HealthConfig;
import io.ciorelay.delivery.outbox.Durability;
import io.ciorelay.delivery.outbox.OverflowPolicy;
import io.ciorelay.delivery.ratelimit.RateLimitConfig;
import io.ciorelay.server.ops.Logging;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one table of configuration keys: every setting of the relay and of the library it embeds,
 * with its file key, environment variables, flag, Spring property, the builder setter it binds
 * to, its default and a one-line description. {@link RelayConfigLoader} reads the relay's
 * sources through it; {@link #markdown()} is the key table of {@code cio-server/README.md} (a
 * test keeps them equal); the starter's tests check their generated metadata against its Spring
 * column. Values are checked only by the builders' setters. Immutable and thread-safe.
 */
public final class ConfigKeys {
  private static final String CIO = "CustomerIoConfig.Builder#";
  private static final String RETRY = "RetryConfig.Builder#";
  private static final String BREAKER = "BreakerConfig.Builder#";
  private static final String REDIS = "RedisStoreConfig.Builder#";
  private static final String WEBHOOK = "WebhookConfig.Builder#";
  private static final String LIMITS = "HttpLimits.Builder#";
  private static final String RELAY = "RelayConfig.Builder#";

  /** Every key, in the order the README lists them and the loader applies them. */
  public static final List<ConfigKey> ALL = table();

  private ConfigKeys() {}

  /** The key whose file name is {@code file} or whose pattern matches it. */
  public static Optional<ConfigKey> byFile(String file) {
    for (ConfigKey k : ALL) {
      if (k.relay() && (k.file().equals(file) || (k.isPattern() && k.pattern().matcher(file).matches()))) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /** The key with this flag. */
  public static Optional<ConfigKey> byFlag(String flag) {
    return ALL.stream().filter(k -> flag.equals(k.flag())).findFirst();
  }

  private static List<ConfigKey> table() {
    List<ConfigKey> t = new ArrayList<>();
    // Where the relay listens and keeps its data.
    t.add(key("relay.host").setter(RELAY + "host").dflt("0.0.0.0").desc("address to bind")
        .bind((c, k, s) -> c.relay.host(s)));
    t.add(key("relay.port").setter(RELAY + "port").dflt("8080").desc("port (0 picks a free one)")
        .bind((c, k, s) -> c.relay.port(integer(s))));
    t.add(key("relay.data").spring("cio.storage-path").setter(RELAY + "dataDir, " + CIO + "storagePath")
        .dflt("./cio-data").desc("outbox directory (`outbox.db` in it; several workspaces: `<name>/outbox.db`); "
            + "the starter takes the file")
        .bind((c, k, s) -> c.relay.dataDir(Path.of(s))));
    // Where it delivers.
    t.add(key("relay.site-id").env("CIO_SITE_ID", "CIO_RELAY_SITE_ID").spring("cio.site-id").setter(CIO + "credentials")
        .dflt("—").desc("workspace site id (with `CIO_API_KEY`)").composite());
    t.add(secret("relay.api-key", "CIO_API_KEY").spring("cio.api-key").setter(CIO + "credentials")
        .desc("workspace Track API key").build());
    t.add(key("relay.target").spring("cio.base-url").setter(CIO + "baseUrl").dflt("the region's")
        .desc("Customer.io base URL (a trailing `/api/v1` is dropped)")
        .bind((c, k, s) -> c.relay.target(ConfigValues.uri(s))));
    t.add(key("relay.region").spring("cio.region").setter(CIO + "region").dflt("`us`").desc("`us` or `eu` when no target is given")
        .bind((c, k, s) -> c.relay.region(ConfigValues.region(s))));
    t.add(key("relay.api").env("CIO_API", "CIO_RELAY_API").spring("cio.api").setter(CIO + "api").dflt("`track`")
        .desc("the API delivered to: `track` (Track API v2) or `pipelines` (Data Pipelines, with a write key)")
        .bind((c, k, s) -> c.relay.api(io.ciorelay.delivery.Api.parse(s))));
    t.add(key("relay.rate-limit").spring("cio.rate-limit.requests-per-second").setter("RateLimitConfig#of")
        .dflt("100 (Pipelines: 1000)").desc("Customer.io requests/s allowed")
        .bind((c, k, s) -> {
          c.requestsPerSecond = number(s);
          RateLimitConfig.of(c.requestsPerSecond, RateLimitConfig.DEFAULT_HEADROOM);
        }));
    t.add(key("relay.rate-limit-headroom").spring("cio.rate-limit.headroom").setter("RateLimitConfig#of")
        .dflt("0.8").desc("share of the limit used, in (0, 1]")
        .bind((c, k, s) -> {
          c.headroom = number(s);
          RateLimitConfig.of(RateLimitConfig.DEFAULT_REQUESTS_PER_SECOND, c.headroom);
        }));
    // The library's delivery settings.
    t.add(key("relay.durability").spring("cio.durability").setter(CIO + "durability").dflt("`sync`")
        .desc("`sync`: an accepted call is committed before the answer; `async`: within the commit interval")
        .bind((c, k, s) -> c.relay.delivery(b -> b.durability(ConfigValues.named(Durability.class, s)))));
    t.add(key("relay.async-commit-interval").spring("cio.async-commit-interval").setter(CIO + "asyncCommitInterval")
        .dflt("50ms").desc("how often an `async` outbox commits (its exposure window)")
        .bind((c, k, s) -> c.relay.delivery(b -> b.asyncCommitInterval(duration(s)))));
    t.add(key("relay.lanes").spring("cio.lanes").setter(CIO + "lanes").dflt("16").desc("ordered delivery lanes")
        .bind((c, k, s) -> c.relay.lanes(integer(s))));
    t.add(key("relay.delivery.max-batch-operations").spring("cio.max-batch-operations").setter(CIO + "maxBatchOperations")
        .dflt("1000").desc("operations in one batch request to Customer.io")
        .bind((c, k, s) -> c.relay.delivery(b -> b.maxBatchOperations(integer(s)))));
    t.add(key("relay.delivery.max-batch-bytes").spring("cio.max-batch-bytes").setter(CIO + "maxBatchBytes")
        .dflt("500000").desc("body bytes of one batch request to Customer.io")
        .bind((c, k, s) -> c.relay.delivery(b -> b.maxBatchBytes(integer(s)))));
    t.add(key("relay.linger").spring("cio.linger").setter(CIO + "linger").dflt("200ms")
        .desc("how long a part-full batch waits, up to 1m")
        .bind((c, k, s) -> c.relay.linger(duration(s))));
    t.add(key("relay.connect-timeout").spring("cio.connect-timeout").setter(CIO + "connectTimeout").dflt("5s")
        .desc("TCP connect timeout to Customer.io")
        .bind((c, k, s) -> c.relay.delivery(b -> b.connectTimeout(duration(s)))));
    t.add(key("relay.request-timeout").spring("cio.request-timeout").setter(CIO + "requestTimeout").dflt("10s")
        .desc("deadline of one request to Customer.io")
        .bind((c, k, s) -> c.relay.requestTimeout(duration(s))));
    t.add(key("relay.delivery.http-threads").spring("cio.http-threads").setter(CIO + "httpThreads").dflt("4")
        .desc("threads of the HTTP client delivering to Customer.io")
        .bind((c, k, s) -> c.relay.delivery(b -> b.httpThreads(integer(s)))));
    t.add(key("relay.max-pending-operations").spring("cio.max-pending-operations").setter(CIO + "maxPendingOperations")
        .dflt("10000000").desc("outbox cap in operations (`503` above)")
        .bind((c, k, s) -> c.relay.maxPendingOperations(longValue(s))));
    t.add(key("relay.max-pending-bytes").spring("cio.max-pending-bytes").setter(CIO + "maxPendingBytes")
        .dflt("2147483648").desc("outbox cap in bytes (`503` above)")
        .bind((c, k, s) -> c.relay.delivery(b -> b.maxPendingBytes(longValue(s)))));
    t.add(key("relay.overflow-policy").spring("cio.overflow-policy").setter(CIO + "overflowPolicy").dflt("`reject`")
        .desc("at the cap: `reject`, or `block` up to the block timeout")
        .bind((c, k, s) -> c.relay.delivery(b -> b.overflowPolicy(ConfigValues.named(OverflowPolicy.class, s)))));
    t.add(key("relay.block-timeout").spring("cio.block-timeout").setter(CIO + "blockTimeout").dflt("0")
        .desc("how long an append waits for room with `block`")
        .bind((c, k, s) -> c.relay.delivery(b -> b.blockTimeout(duration(s)))));
    t.add(key("relay.identify-dedup-window").spring("cio.identify-dedup-window").setter(CIO + "identifyDedupWindow")
        .dflt("0 (off)").desc("skip an identify whose attributes did not change within this window")
        .bind((c, k, s) -> c.relay.delivery(b -> b.identifyDedupWindow(duration(s)))));
    t.add(key("relay.identify-dedup-size").spring("cio.identify-dedup-size").setter(CIO + "identifyDedupSize")
        .dflt("100000").desc("people the identify dedup remembers")
        .bind((c, k, s) -> c.relay.delivery(b -> b.identifyDedupSize(longValue(s)))));
    t.add(key("relay.max-pending-age").spring("cio.max-pending-age").setter("HealthConfig#of").dflt("5m")
        .desc("health is DEGRADED when the oldest pending operation is older")
        .bind((c, k, s) -> c.relay.delivery(b -> b.health(HealthConfig.of(duration(s))))));
    t.add(key("relay.retry.base-delay").spring("cio.retry.base-delay").setter(RETRY + "baseDelay").dflt("1s")
        .desc("first retry delay").bind((c, k, s) -> c.retry.baseDelay(duration(s))));
    t.add(key("relay.retry.max-delay").spring("cio.retry.max-delay").setter(RETRY + "maxDelay").dflt("60s")
        .desc("longest retry delay").bind((c, k, s) -> c.retry.maxDelay(duration(s))));
    t.add(key("relay.retry.jitter").spring("cio.retry.jitter").setter(RETRY + "jitter").dflt("0.3")
        .desc("jitter as a share of the delay, in 0..1").bind((c, k, s) -> c.retry.jitter(number(s))));
    t.add(key("relay.retry.retry-after-cap").spring("cio.retry.retry-after-cap").setter(RETRY + "retryAfterCap")
        .dflt("5m").desc("longest `Retry-After` honoured").bind((c, k, s) -> c.retry.retryAfterCap(duration(s))));
    t.add(key("relay.retry.budget").spring("cio.retry.budget").setter(RETRY + "budget").dflt("24h")
        .desc("total retry time before dead-lettering").bind((c, k, s) -> c.retry.budget(duration(s))));
    t.add(key("relay.retry.max-attempts").spring("cio.retry.max-attempts").setter(RETRY + "maxAttempts").dflt("50")
        .desc("attempts before dead-lettering").bind((c, k, s) -> c.retry.maxAttempts(integer(s))));
    t.add(key("relay.retry.endpoint-retry-interval").spring("cio.retry.endpoint-retry-interval")
        .setter(RETRY + "endpointRetryInterval").dflt("30s")
        .desc("while the endpoint answers as if it were wrong (3xx, 404, 405, 501, an HTML page…), delivery is "
            + "paused (health DOWN, nothing dead-lettered) and one probe goes out per interval")
        .bind((c, k, s) -> c.retry.endpointRetryInterval(duration(s))));
    t.add(key("relay.retry.auth-retry-interval").spring("cio.retry.auth-retry-interval")
        .setter(RETRY + "authRetryInterval").dflt("60s").desc("the same while Customer.io refuses the credentials (401/403)")
        .bind((c, k, s) -> c.retry.authRetryInterval(duration(s))));
    t.add(key("relay.breaker.failure-threshold").spring("cio.breaker.failure-threshold")
        .setter(BREAKER + "failureThreshold").dflt("5").desc("failed requests in a row that open the breaker")
        .bind((c, k, s) -> c.breaker.failureThreshold(integer(s))));
    t.add(key("relay.breaker.half-open-calls").spring("cio.breaker.half-open-calls").setter(BREAKER + "halfOpenCalls")
        .dflt("3").desc("probes while half-open").bind((c, k, s) -> c.breaker.halfOpenCalls(integer(s))));
    t.add(key("relay.breaker.open-wait").spring("cio.breaker.open-wait").setter(BREAKER + "openWait").dflt("30s")
        .desc("time open before probing").bind((c, k, s) -> c.breaker.openWait(duration(s))));
    t.add(key("relay.breaker.slow-call-threshold").spring("cio.breaker.slow-call-threshold")
        .setter(BREAKER + "slowCallThreshold").dflt("10s").desc("a request slower than this counts as failed")
        .bind((c, k, s) -> c.breaker.slowCallThreshold(duration(s))));
    // Several workspaces and routing.
    t.add(key("relay.workspaces").spring("cio.workspaces").setter(RELAY + "workspace").dflt("—")
        .desc("comma-separated workspace names: several workspaces, each from `relay.workspace.<name>.*`").composite());
    t.add(key("relay.workspace.<name>.site-id").spring("cio.workspaces.<name>.site-id").setter(CIO + "credentials")
        .flag(null).dflt("—").desc("the workspace's site id (its key from `CIO_WORKSPACE_<NAME>_API_KEY`)").composite());
    t.add(secret("relay.workspace.<name>.api-key", "CIO_WORKSPACE_<NAME>_API_KEY").spring("cio.workspaces.<name>.api-key")
        .setter(CIO + "credentials").desc("the workspace's Track API key").build());
    t.add(key("relay.workspace.<name>.region").spring("cio.workspaces.<name>.region").setter(CIO + "region").flag(null)
        .dflt("`us`").desc("the workspace's region").composite());
    t.add(key("relay.workspace.<name>.target").spring("cio.workspaces.<name>.base-url").setter(CIO + "baseUrl")
        .flag(null).dflt("the region's").desc("the workspace's base URL").composite());
    t.add(key("relay.workspace.<name>.api").spring("cio.workspaces.<name>.api").setter(CIO + "api").flag(null)
        .dflt("`relay.api`").desc("the API the workspace delivers to").composite());
    t.add(key("relay.workspace.<name>.rate-limit").spring("cio.workspaces.<name>.rate-limit.requests-per-second")
        .setter("RateLimitConfig#of").flag(null).dflt("`relay.rate-limit`").desc("the workspace's requests/s").composite());
    t.add(key("relay.workspace.<name>.rate-limit-headroom").spring("cio.workspaces.<name>.rate-limit.headroom")
        .setter("RateLimitConfig#of").flag(null).dflt("`relay.rate-limit-headroom`").desc("the workspace's headroom")
        .composite());
    t.add(key("relay.routing").spring("cio.routing.rule").setter(RELAY + "routing").dflt("`credentials`")
        .desc("`credentials`, `hash`, `attribute` or `region-hint`").composite());
    t.add(key("relay.routing.attribute").spring("cio.routing.attribute").setter("Routing#byAttribute").dflt("—")
        .desc("the attribute `attribute` and `region-hint` route by").composite());
    t.add(key("relay.routing.values").spring("cio.routing.values").setter("Routing#byAttribute").dflt("—")
        .desc("`value=workspace` pairs, comma-separated").composite());
    t.add(key("relay.routing.default").spring("cio.routing.fallback").setter("Routing#byAttribute").dflt("—")
        .desc("where an operation no rule places goes").composite());
    // The shared store.
    t.add(key("relay.store").spring("cio.store.uri").setter(RELAY + "store, " + REDIS + "uri").dflt("`sqlite`")
        .desc("`redis://[:password@]host:port/db` (or `rediss://`), or a Redis Cluster "
            + "`redis-cluster://[:password@]host:port,host:port,…` ([cio-redis](../cio-redis/README.md#redis-cluster)): "
            + "the shared outbox and rate limit of a fleet")
        .bind((c, k, s) -> c.relay.store(storeUri(s))));
    t.add(key("relay.store-prefix").spring("cio.store.prefix").setter(REDIS + "prefix").dflt("`cio`")
        .desc("key prefix in Redis (one per fleet)").bind((c, k, s) -> c.relay.storePrefix(s)));
    t.add(key("relay.store-shards").spring("cio.store.shards").setter(REDIS + "shards").dflt("16")
        .desc("ordered shards per workspace in Redis (every relay of a fleet must agree)")
        .bind((c, k, s) -> c.relay.storeShards(integer(s))));
    t.add(key("relay.store-lease-ttl").spring("cio.store.lease-ttl").setter(REDIS + "leaseTtl").dflt("20s")
        .desc("how long a crashed relay's shards wait before another relay takes them over; at least 1.5 × "
            + "`relay.request-timeout`")
        .bind((c, k, s) -> c.relay.storeLeaseTtl(duration(s))));
    t.add(key("relay.store-poll-interval").spring("cio.store.poll-interval").setter(REDIS + "pollInterval").dflt("50ms")
        .desc("how often a relay polls its shards").bind((c, k, s) -> c.relay.redis(b -> b.pollInterval(duration(s)))));
    t.add(key("relay.store-command-timeout").spring("cio.store.command-timeout").setter(REDIS + "commandTimeout")
        .dflt("2s").desc("timeout of each Redis command")
        .bind((c, k, s) -> c.relay.redis(b -> b.commandTimeout(duration(s)))));
    t.add(key("relay.store-replicas-to-wait").spring("cio.store.replicas-to-wait").setter(REDIS + "replicasToWait")
        .dflt("0").desc("replicas that must acknowledge each append (`WAIT`)")
        .bind((c, k, s) -> c.relay.redis(b -> b.replicasToWait(integer(s)))));
    t.add(key("relay.store-replica-timeout").spring("cio.store.replica-timeout").setter(REDIS + "replicaTimeout")
        .dflt("1s").desc("how long an append waits for those replicas")
        .bind((c, k, s) -> c.relay.redis(b -> b.replicaTimeout(duration(s)))));
    t.add(key("relay.store-relay-id").spring("cio.store.relay-id").setter(REDIS + "relayId").dflt("host-pid-random")
        .desc("this relay's id in the fleet").bind((c, k, s) -> c.relay.redis(b -> b.relayId(s))));
    // The relay's request handling.
    t.add(key("relay.max-body-bytes").setter(RELAY + "maxBodyBytes").dflt("1000000").desc("request body cap (`413` above)")
        .bind((c, k, s) -> c.relay.maxBodyBytes(integer(s))));
    t.add(key("relay.max-json-depth").setter(RELAY + "maxJsonDepth").dflt("32").desc("JSON nesting cap (`400` above)")
        .bind((c, k, s) -> c.relay.maxJsonDepth(integer(s))));
    t.add(key("relay.durable-timeout").setter(RELAY + "durableTimeout").dflt("10s")
        .desc("wait for the disk commit before `503`").bind((c, k, s) -> c.relay.durableTimeout(duration(s))));
    t.add(key("relay.shutdown-timeout").spring("cio.shutdown-timeout").setter(RELAY + "shutdownTimeout").dflt("20s")
        .desc("delivery deadline at shutdown (the starter's default: 30s)")
        .bind((c, k, s) -> c.relay.shutdownTimeout(duration(s))));
    t.add(key("relay.max-connections").setter(LIMITS + "maxConnections").dflt("1000")
        .desc("open connections per listener (main, management); the next gets `503`")
        .bind((c, k, s) -> c.limits.maxConnections(integer(s))));
    t.add(key("relay.http-threads").setter(LIMITS + "httpThreads").dflt("32")
        .desc("request threads of the main and management listeners").bind((c, k, s) -> c.limits.httpThreads(integer(s))));
    t.add(key("relay.idle-timeout").setter(LIMITS + "idleTimeout").dflt("30s")
        .desc("a connection with no traffic for this long is closed").bind((c, k, s) -> c.limits.idleTimeout(duration(s))));
    t.add(key("relay.header-timeout").setter(LIMITS + "headerTimeout").dflt("10s")
        .desc("time from a request's first byte to the end of its headers (`408` and close)")
        .bind((c, k, s) -> c.limits.headerTimeout(duration(s))));
    t.add(key("relay.body-timeout").setter(LIMITS + "bodyTimeout").dflt("30s")
        .desc("time to receive the whole body after the headers (`408` and close)")
        .bind((c, k, s) -> c.limits.bodyTimeout(duration(s))));
    t.add(key("relay.min-body-rate").setter(LIMITS + "minBodyRate").dflt("1024")
        .desc("bytes/s a body must average after its first second (`408` and close; `0` turns it off)")
        .bind((c, k, s) -> c.limits.minBodyRate(longValue(s))));
    t.add(key("relay.response-timeout").setter(LIMITS + "responseTimeout").dflt("10s")
        .desc("an answer the client does not read within this long is abandoned and the connection closed")
        .bind((c, k, s) -> c.limits.responseTimeout(duration(s))));
    t.add(key("relay.max-buffered-body-bytes").setter(LIMITS + "maxBufferedBodyBytes").dflt("67108864")
        .desc("request body bytes held in memory at once, all requests together (`503`, `Retry-After: 1`)")
        .bind((c, k, s) -> c.limits.maxBufferedBodyBytes(longValue(s))));
    t.add(key("relay.max-json-tokens").setter(LIMITS + "maxJsonTokens").dflt("50000")
        .desc("JSON tokens in one body, or in one operation of a batch (`400`)")
        .bind((c, k, s) -> c.limits.maxJsonTokens(longValue(s))));
    t.add(key("relay.max-batch-operations").setter(LIMITS + "maxBatchOperations").dflt("10000")
        .desc("operations in one `POST /api/v2/batch` a client sends (`400`, before any is looked at)")
        .bind((c, k, s) -> c.limits.maxBatchOperations(integer(s))));
    t.add(key("relay.management-port").setter(RELAY + "managementPort").dflt("main port")
        .desc("serve `/metrics` and `/health/customerio` only on this port")
        .bind((c, k, s) -> c.relay.managementPort(integer(s))));
    // Secrets of the relay's own routes.
    t.add(secret("relay.admin-token", "CIO_ADMIN_TOKEN").setter(RELAY + "adminToken")
        .desc("admin API bearer token, at least 8 characters; enables the admin API and the dashboard").build());
    t.add(secret("relay.dashboard-viewer-token", "CIO_DASHBOARD_VIEWER_TOKEN").setter(RELAY + "dashboardViewerToken")
        .desc("read-only dashboard token, at least 8 characters").build());
    t.add(secret("relay.pipelines-write-key", "CIO_PIPELINES_WRITE_KEY").spring("cio.pipelines-write-key")
        .setter(RELAY + "pipelinesWriteKey, " + CIO + "pipelinesWriteKey")
        .desc("Data Pipelines write key of a single-workspace relay: enables `/v1/*`, and `relay.api=pipelines` delivers "
            + "with it").build());
    t.add(secret("relay.workspace.<name>.pipelines-write-key", "CIO_WORKSPACE_<NAME>_PIPELINES_WRITE_KEY")
        .spring("cio.workspaces.<name>.pipelines-write-key").setter(RELAY + "pipelinesWriteKey, " + CIO + "pipelinesWriteKey")
        .desc("the workspace's Data Pipelines write key").build());
    // HTTPS.
    t.add(key("relay.tls.keystore").setter("TlsConfig#keystore").dflt("—")
        .desc("serve HTTPS with this PKCS#12 (or JKS) keystore").composite());
    t.add(key("relay.tls.keystore-type").setter("TlsConfig#keystore").dflt("`PKCS12`").desc("`PKCS12` or `JKS`").composite());
    t.add(secret("relay.tls.keystore-password", "CIO_TLS_KEYSTORE_PASSWORD").setter("TlsConfig#keystore")
        .desc("the keystore's password").build());
    t.add(key("relay.tls.certificate").setter("TlsConfig#pem").dflt("—")
        .desc("serve HTTPS with a PEM certificate chain (with `relay.tls.private-key`)").composite());
    t.add(key("relay.tls.private-key").setter("TlsConfig#pem").dflt("—").desc("its PEM PKCS#8 key").composite());
    t.add(key("relay.tls.protocols").setter("TlsConfig#protocols").dflt("`TLSv1.3,TLSv1.2`").desc("protocols offered")
        .composite());
    // Reporting webhooks.
    t.add(secret("relay.webhook-signing-key", "CIO_WEBHOOK_SIGNING_KEY").setter(WEBHOOK + "signingKey")
        .desc("enables the webhook receiver at `/webhooks/customerio`").build());
    t.add(key("relay.webhook.forward-url").env("CIO_WEBHOOK_FORWARD_URL", "CIO_RELAY_WEBHOOK_FORWARD_URL")
        .setter(WEBHOOK + "forwardUrl").dflt("—").desc("where received webhooks are forwarded (else stored only)")
        .bind((c, k, s) -> c.relay.webhook(b -> b.forwardUrl(ConfigValues.uri(s)))));
    t.add(key("relay.webhook.max-attempts").env("CIO_WEBHOOK_MAX_ATTEMPTS", "CIO_RELAY_WEBHOOK_MAX_ATTEMPTS")
        .setter(WEBHOOK + "maxAttempts").dflt("100").desc("forward attempts before a webhook is dead-lettered")
        .bind((c, k, s) -> c.relay.webhook(b -> b.maxAttempts(integer(s)))));
    t.add(key("relay.webhook.tolerance").setter(WEBHOOK + "tolerance").dflt("300s")
        .desc("signature timestamps older or newer than this are refused")
        .bind((c, k, s) -> c.relay.webhook(b -> b.tolerance(duration(s)))));
    t.add(key("relay.webhook.forward-timeout").setter(WEBHOOK + "forwardTimeout").dflt("5s")
        .desc("timeout of one forward request").bind((c, k, s) -> c.relay.webhook(b -> b.forwardTimeout(duration(s)))));
    t.add(key("relay.webhook.backoff-base").setter(WEBHOOK + "backoffBase").dflt("1s")
        .desc("first forward retry delay").bind((c, k, s) -> c.relay.webhook(b -> b.backoffBase(duration(s)))));
    t.add(key("relay.webhook.backoff-cap").setter(WEBHOOK + "backoffCap").dflt("60s")
        .desc("longest forward retry delay").bind((c, k, s) -> c.relay.webhook(b -> b.backoffCap(duration(s)))));
    t.add(key("relay.webhook.backoff-jitter").setter(WEBHOOK + "backoffJitter").dflt("0.2")
        .desc("jitter of the forward retry delay, in 0..1").bind((c, k, s) -> c.relay.webhook(b -> b.backoffJitter(number(s)))));
    t.add(key("relay.webhook.max-body-bytes").setter(WEBHOOK + "maxBodyBytes").dflt("262144")
        .desc("webhook body cap (`413` above)").bind((c, k, s) -> c.relay.webhook(b -> b.maxBodyBytes(integer(s)))));
    t.add(key("relay.webhook.lanes").setter(WEBHOOK + "lanes").dflt("8")
        .desc("ordered forward lanes").bind((c, k, s) -> c.relay.webhook(b -> b.lanes(integer(s)))));
    t.add(key("relay.webhook.retention").setter(WEBHOOK + "retention").dflt("168h")
        .desc("how long webhook ids are kept for de-duplication")
        .bind((c, k, s) -> c.relay.webhook(b -> b.retention(duration(s)))));
    t.add(key("relay.webhook-port").setter(RELAY + "webhookPort").dflt("main port")
        .desc("serve `/webhooks/customerio` only on this port, with its own threads and connection cap")
        .bind((c, k, s) -> c.relay.webhookPort(integer(s))));
    t.add(key("relay.webhook-max-concurrent").setter(LIMITS + "webhookMaxConcurrent").dflt("8")
        .desc("webhook requests handled at once, on either port (`503`, `Retry-After: 1`)")
        .bind((c, k, s) -> c.limits.webhookMaxConcurrent(integer(s))));
    t.add(key("relay.webhook-threads").setter(LIMITS + "webhookThreads").dflt("8")
        .desc("threads of the webhook listener (with `relay.webhook-port`)")
        .bind((c, k, s) -> c.limits.webhookThreads(integer(s))));
    t.add(key("relay.webhook-max-connections").setter(LIMITS + "webhookMaxConnections").dflt("256")
        .desc("open connections of the webhook listener (with `relay.webhook-port`)")
        .bind((c, k, s) -> c.limits.webhookMaxConnections(integer(s))));
    // Logs.
    t.add(key("relay.log.format").env("CIO_LOG_FORMAT", "CIO_RELAY_LOG_FORMAT").setter("Logging#configure").dflt("`text`")
        .desc("console lines: `text`, or `json` (one object a line)")
        .bind((c, k, s) -> {
          Logging.checkFormat(s);
          c.logFormat = s;
        }));
    t.add(key("relay.log.level").env("CIO_LOG_LEVEL", "CIO_RELAY_LOG_LEVEL").setter("Logging#configure").dflt("`info`")
        .desc("level of the relay's own loggers (`io.ciorelay`): `trace`, `debug`, `info`, `warn`, `error`, `off`")
        .bind((c, k, s) -> {
          Logging.checkLevel(s);
          c.logLevel = s;
        }));
    t.add(key("relay.log.level.<logger>").env("CIO_LOG_LEVEL_<LOGGER>").flag("--log-level-of <logger>=LEVEL")
        .setter("Logging#configure").dflt("libraries `warn`")
        .desc("level of any logger, e.g. `relay.log.level.org.eclipse.jetty=info` (`root` is every logger; in the "
            + "environment `_` stands for `.`)")
        .bind((c, k, s) -> {
          Logging.checkLevel(s);
          c.logLevels.put(k.substring("relay.log.level.".length()), s);
        }));
    // Only the starter.
    t.add(spring("cio.enabled", "(the starter)", "`true`", "`false` turns the starter off"));
    t.add(spring("cio.routing.workspaces", "Routing#byHash", "the workspaces' order", "the `HASH` rule's order"));
    t.add(spring("cio.simulator.enabled", "(cio-spring-boot-test)", "`false`",
        "tests only: deliver to a simulator on a random port"));
    return List.copyOf(t);
  }

  static java.net.URI storeUri(String s) {
    try {
      return java.net.URI.create(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("must be redis://host:port/db, rediss://host:port/db, "
          + "redis-cluster://host:port,host:port,… or sqlite");
    }
  }

  /**
   * The key table in Markdown, as {@code cio-server/README.md} has it: one row a key with its file,
   * environment, flag and Spring names, its setter, default and meaning.
   */
  public static String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("| File (`--set`) | Environment | Flag | Spring | Setter | Default | Meaning |\n");
    b.append("|---|---|---|---|---|---|---|\n");
    for (ConfigKey k : ALL) {
      b.append("| ").append(k.file() == null ? "—" : k.kind() == ConfigKey.Kind.SECRET ? code(k.file()) + " (refused: a secret)" : code(k.file()))
          .append(" | ").append(k.env().isEmpty() ? "—" : String.join(", ", k.env().stream().map(ConfigKeys::code).toList())
              + (k.kind() == ConfigKey.Kind.SECRET ? " (or `_FILE`)" : ""))
          .append(" | ").append(k.flag() == null ? (k.relay() && k.kind() != ConfigKey.Kind.SECRET ? "`--set`" : "—")
              : code(k.flag()))
          .append(" | ").append(k.spring() == null ? "—" : code(k.spring()))
          .append(" | ").append(code(k.setter()))
          .append(" | ").append(k.defaultValue())
          .append(" | ").append(k.description()).append(" |\n");
    }
    return b.toString();
  }

  private static String code(String s) {
    return "`" + s + "`";
  }

  private static Row key(String file) {
    return new Row(file);
  }

  private static Row secret(String file, String env) {
    Row r = new Row(file).env(env).flag(null).dflt("—");
    r.kind = ConfigKey.Kind.SECRET;
    return r;
  }

  private static ConfigKey spring(String spring, String setter, String dflt, String desc) {
    return new ConfigKey(null, List.of(), null, spring, setter, dflt, desc, ConfigKey.Kind.SPRING_ONLY, null);
  }

  /** One row being written; not thread-safe. */
  private static final class Row {
    private final String file;
    private List<String> env;
    private String flag;
    private String spring;
    private String setter;
    private String dflt;
    private String desc;
    private ConfigKey.Kind kind = ConfigKey.Kind.SETTING;

    Row(String file) {
      this.file = file;
      this.env = List.of(ConfigKey.envName(file));
      this.flag = ConfigKey.flagName(file);
    }

    Row env(String... names) {
      this.env = List.of(names);
      return this;
    }

    Row flag(String v) {
      this.flag = v;
      return this;
    }

    Row spring(String v) {
      this.spring = v;
      return this;
    }

    Row setter(String v) {
      this.setter = v;
      return this;
    }

    Row dflt(String v) {
      this.dflt = v;
      return this;
    }

    Row desc(String v) {
      this.desc = v;
      return this;
    }

    ConfigKey bind(ConfigKey.Binding binding) {
      return new ConfigKey(file, env, flag, spring, setter, dflt, desc, kind, binding);
    }

    ConfigKey composite() {
      return new ConfigKey(file, env, flag, spring, setter, dflt, desc, ConfigKey.Kind.COMPOSITE, null);
    }

    ConfigKey build() {
      return new ConfigKey(file, env, flag, spring, setter, dflt, desc, kind, null);
    }
  }
}
