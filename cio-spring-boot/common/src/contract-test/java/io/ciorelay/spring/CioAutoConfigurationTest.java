package io.ciorelay.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ciorelay.client.Region;
import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.CustomerIoConfig;
import io.ciorelay.delivery.Receipt;
import io.ciorelay.delivery.Rejection;
import io.ciorelay.delivery.Workspaces;
import io.ciorelay.delivery.metrics.DeliveryMetrics;
import io.ciorelay.delivery.outbox.Durability;
import io.ciorelay.delivery.outbox.OverflowPolicy;
import io.ciorelay.simulator.CioSimulator;
import io.ciorelay.spring.test.CioSimulatorAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every condition and property of the core auto-configuration, on the Boot version of the module
 * that runs it (the Boot 4 and the Boot 3 starter both compile this file).
 */
class CioAutoConfigurationTest extends WithSimulator {

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CioAutoConfiguration.class, CioSimulatorAutoConfiguration.class))
        .withPropertyValues(simulatorProperties());
  }

  @Test
  void backsOffWhenDisabled() {
    runner().withPropertyValues("cio.enabled=false").run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx).doesNotHaveBean(CustomerIo.class).doesNotHaveBean(CioRuntime.class);
    });
  }

  @Test
  void backsOffWhenTheApplicationDefinesItsOwnCustomerIo() {
    runner().withUserConfiguration(OwnCustomerIo.class).run(ctx -> {
      assertThat(ctx).hasSingleBean(CustomerIo.class).doesNotHaveBean(CioRuntime.class);
      assertThat(ctx.getBean(CustomerIo.class).config().workspace()).isEqualTo("mine");
    });
  }

  @Test
  void everySettingReachesTheLibraryConfig() {
    runner().withPropertyValues("cio.region=EU", "cio.durability=ASYNC", "cio.async-commit-interval=20ms",
        "cio.lanes=4", "cio.max-batch-operations=50", "cio.max-batch-bytes=100000", "cio.linger=5ms",
        "cio.connect-timeout=3s", "cio.request-timeout=4s", "cio.http-threads=2",
        "cio.max-pending-operations=1000", "cio.max-pending-bytes=10000000", "cio.overflow-policy=BLOCK",
        "cio.block-timeout=10ms", "cio.identify-dedup-window=1m", "cio.identify-dedup-size=10",
        "cio.max-pending-age=2m",
        "cio.rate-limit.requests-per-second=50", "cio.rate-limit.headroom=0.5",
        "cio.retry.base-delay=2s", "cio.retry.max-delay=30s", "cio.retry.jitter=0.1",
        "cio.retry.retry-after-cap=1m", "cio.retry.budget=1h", "cio.retry.max-attempts=7",
        "cio.retry.auth-retry-interval=10s", "cio.retry.endpoint-retry-interval=20s",
        "cio.breaker.failure-threshold=9", "cio.breaker.half-open-calls=2", "cio.breaker.open-wait=5s",
        "cio.breaker.slow-call-threshold=3s").run(ctx -> {
          assertThat(ctx).hasNotFailed().hasSingleBean(CustomerIo.class).doesNotHaveBean(Workspaces.class);
          CustomerIoConfig c = ctx.getBean(CustomerIo.class).config();
          assertThat(c.workspace()).isEqualTo("default");
          assertThat(c.client().baseUrl().toString()).isEqualTo(sim.baseUrl());
          assertThat(c.client().credentials().siteId()).isEqualTo(sim.siteId());
          assertThat(c.client().connectTimeout()).isEqualTo(Duration.ofSeconds(3));
          assertThat(c.client().requestTimeout()).isEqualTo(Duration.ofSeconds(4));
          assertThat(c.outbox().path()).isEqualTo(dir.resolve("outbox.db"));
          assertThat(c.outbox().durability()).isEqualTo(Durability.ASYNC);
          assertThat(c.outbox().asyncCommitInterval()).isEqualTo(Duration.ofMillis(20));
          assertThat(c.outbox().lanes()).isEqualTo(4);
          assertThat(c.outbox().maxPendingOperations()).isEqualTo(1000);
          assertThat(c.outbox().maxPendingBytes()).isEqualTo(10_000_000);
          assertThat(c.outbox().overflowPolicy()).isEqualTo(OverflowPolicy.BLOCK);
          assertThat(c.outbox().blockTimeout()).isEqualTo(Duration.ofMillis(10));
          assertThat(c.maxBatchOperations()).isEqualTo(50);
          assertThat(c.maxBatchBytes()).isEqualTo(100_000);
          assertThat(c.linger()).isEqualTo(Duration.ofMillis(5));
          assertThat(c.httpThreads()).isEqualTo(2);
          assertThat(c.identifyDedupWindow()).isEqualTo(Duration.ofMinutes(1));
          assertThat(c.identifyDedupSize()).isEqualTo(10);
          assertThat(c.health().maxPendingAge()).isEqualTo(Duration.ofMinutes(2));
          assertThat(c.rateLimit().requestsPerSecond()).isEqualTo(50);
          assertThat(c.rateLimit().headroom()).isEqualTo(0.5);
          assertThat(c.retry().baseDelay()).isEqualTo(Duration.ofSeconds(2));
          assertThat(c.retry().maxDelay()).isEqualTo(Duration.ofSeconds(30));
          assertThat(c.retry().jitter()).isEqualTo(0.1);
          assertThat(c.retry().retryAfterCap()).isEqualTo(Duration.ofMinutes(1));
          assertThat(c.retry().budget()).isEqualTo(Duration.ofHours(1));
          assertThat(c.retry().maxAttempts()).isEqualTo(7);
          assertThat(c.retry().authRetryInterval()).isEqualTo(Duration.ofSeconds(10));
          assertThat(c.retry().endpointRetryInterval()).isEqualTo(Duration.ofSeconds(20));
          assertThat(c.breaker().failureThreshold()).isEqualTo(9);
          assertThat(c.breaker().halfOpenCalls()).isEqualTo(2);
          assertThat(c.breaker().openWait()).isEqualTo(Duration.ofSeconds(5));
          assertThat(c.breaker().slowCallThreshold()).isEqualTo(Duration.ofSeconds(3));
        });
  }

  @Test
  void thePipelinesApiAndItsWriteKeyReachTheLibraryConfig() {
    runner().withPropertyValues("cio.api=PIPELINES", "cio.pipelines-write-key=wk-1").run(ctx -> {
      CustomerIoConfig c = ctx.getBean(CustomerIo.class).config();
      assertThat(c.api()).isEqualTo(io.ciorelay.delivery.Api.PIPELINES);
      assertThat(c.pipelinesWriteKey()).isEqualTo("wk-1");
    });
    assertRefused(runner(), "cio.pipelines-write-key", "pipelinesWriteKey must be a non-blank write key without ':'",
        "cio.api=PIPELINES", "cio.pipelines-write-key=a:b");
  }

  @Test
  void regionPicksTheTrackHostWhenNoBaseUrlIsSet() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CioAutoConfiguration.class))
        .withPropertyValues("cio.site-id=s", "cio.api-key=k", "cio.region=EU",
            "cio.storage-path=" + dir.resolve("eu.db"), "cio.shutdown-timeout=0s")
        .run(ctx -> assertThat(ctx.getBean(CustomerIo.class).config().client().baseUrl())
            .isEqualTo(Region.EU.trackBaseUrl()));
  }

  @Test
  void refusedValuesNameTheProperty() {
    assertRefused(runner(), "cio.linger", "linger must be in 0..PT1M but was PT2M", "cio.linger=2m");
    assertRefused(runner(), "cio.retry.jitter", "jitter must be in 0..1 but was 2.0", "cio.retry.jitter=2");
    assertRefused(runner(), "cio.rate-limit.headroom", "headroom must be in (0, 1] but was 0.0",
        "cio.rate-limit.headroom=0");
    assertRefused(runner(), "cio.breaker.failure-threshold", "failureThreshold must be in 1..1000 but was 0",
        "cio.breaker.failure-threshold=0");
    assertRefused(runner(), "cio.max-batch-bytes", "maxBatchBytes must be in 33000..500000 but was 10",
        "cio.max-batch-bytes=10");
    // Checked by the library when the config is built, still attributed to the property.
    assertRefused(runner(), "cio.lanes", "lanes", "cio.lanes=0");
    assertRefused(runner(), "cio.retry.max-delay", "maxDelay must be at least baseDelay",
        "cio.retry.base-delay=10s", "cio.retry.max-delay=5s");
  }

  @Test
  void missingCredentialsNameTheProperties() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CioAutoConfiguration.class))
        .withPropertyValues("cio.storage-path=" + dir.resolve("x.db"))
        .run(ctx -> {
          assertThat(ctx).hasFailed();
          CioPropertyException e = rootCio(ctx.getStartupFailure());
          assertThat(e.property()).isEqualTo("cio.site-id");
          assertThat(e.getMessage()).contains("cio.site-id and cio.api-key must be set").contains("cio.enabled=false");
        });
    assertRefused(runner(), "cio.api-key", "apiKey must not be blank", "cio.api-key= ");
  }

  @Test
  void theApiKeyNeverAppearsInAnError() {
    runner().withPropertyValues("cio.api-key=secret-key-123", "cio.linger=2m").run(ctx -> {
      assertThat(ctx).hasFailed();
      Throwable t = ctx.getStartupFailure();
      while (t != null) {
        assertThat(String.valueOf(t.getMessage())).doesNotContain("secret-key-123");
        t = t.getCause();
      }
    });
  }

  @Test
  void severalWorkspacesMakeAWorkspacesBeanThatFallsBackToTopLevelValues() {
    runner().withPropertyValues("cio.linger=7ms", "cio.lanes=2",
        "cio.workspaces.us.max-batch-operations=10",
        "cio.workspaces.eu.linger=9ms", "cio.workspaces.eu.region=EU",
        "cio.routing.rule=ATTRIBUTE", "cio.routing.attribute=region",
        "cio.routing.values.acme=us", "cio.routing.values.globex=eu", "cio.routing.fallback=us")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed().hasSingleBean(Workspaces.class).doesNotHaveBean(CustomerIo.class);
          Workspaces ws = ctx.getBean(Workspaces.class);
          assertThat(ws.names()).containsExactly("us", "eu");
          CustomerIoConfig us = ws.get("us").config();
          CustomerIoConfig eu = ws.get("eu").config();
          assertThat(us.linger()).isEqualTo(Duration.ofMillis(7));
          assertThat(eu.linger()).isEqualTo(Duration.ofMillis(9));
          assertThat(us.maxBatchOperations()).isEqualTo(10);
          assertThat(eu.maxBatchOperations()).isEqualTo(CustomerIoConfig.DEFAULT_MAX_BATCH_OPERATIONS);
          assertThat(eu.outbox().lanes()).isEqualTo(2);
          assertThat(us.outbox().path()).isEqualTo(dir.resolve("us").resolve("outbox.db"));
          assertThat(eu.outbox().path()).isEqualTo(dir.resolve("eu").resolve("outbox.db"));
          assertThat(ws.route(io.ciorelay.client.Operation.identify(io.ciorelay.client.Identifiers.id("1"),
              Map.of("region", "globex")))).isEqualTo("eu");
        });
  }

  @Test
  void severalWorkspacesWithoutARuleAreRefused() {
    assertRefused(runner(), "cio.routing.rule", "need a routing rule",
        "cio.workspaces.a.lanes=1", "cio.workspaces.b.lanes=1");
    assertRefused(runner(), "cio.workspaces.eu.linger", "linger must be in 0..PT1M but was PT2M",
        "cio.workspaces.eu.linger=2m", "cio.routing.rule=HASH");
  }

  @Test
  void metersGoToTheApplicationsRegistry() {
    runner().withUserConfiguration(AppRegistry.class).run(ctx -> {
      CustomerIo cio = ctx.getBean(CustomerIo.class);
      assertThat(cio.track("p1", "signed_up", Map.of()).isAccepted()).isTrue();
      MeterRegistry registry = ctx.getBean(MeterRegistry.class);
      assertThat(registry.get(DeliveryMetrics.ACCEPTED).counter().count()).isEqualTo(1.0);
    });
  }

  @Test
  void customizersAdjustTheBuilderBeforeItIsChecked() {
    runner().withBean(CioCustomizer.class, () -> (ws, b) -> b.maxBatchOperations(3)).run(ctx ->
        assertThat(ctx.getBean(CustomerIo.class).config().maxBatchOperations()).isEqualTo(3));
  }

  @Test
  void closingTheContextDeliversWhatIsPendingAndThenRefuses() {
    String person = "close-" + System.nanoTime();
    CustomerIo[] seen = new CustomerIo[1];
    runner().withPropertyValues("cio.linger=1m").run(ctx -> {
      seen[0] = ctx.getBean(CustomerIo.class);
      assertThat(seen[0].track(person, "pending_at_close", Map.of()).isAccepted()).isTrue();
    });
    // linger=1m: only the close flushed it.
    assertThat(sim.records().forPerson(person)).hasSize(1);
    Receipt after = seen[0].track(person, "after_close", Map.of());
    assertThat(after.isAccepted()).isFalse();
    assertThat(after.rejection().reason()).isEqualTo(Rejection.Reason.CLOSED);
  }

  @Test
  void simulatorPropertyAloneGivesAWorkingDelivery() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CioAutoConfiguration.class, CioSimulatorAutoConfiguration.class))
        .withPropertyValues("cio.simulator.enabled=true").run(ctx -> {
          assertThat(ctx).hasNotFailed();
          CioSimulator own = ctx.getBean(CioSimulator.class);
          CustomerIo cio = ctx.getBean(CustomerIo.class);
          assertThat(cio.config().client().baseUrl().toString()).isEqualTo(own.baseUrl());
          assertThat(cio.config().outbox().path().toString()).contains("cio-simulator-test-");
          cio.identify("sim-1", Map.of("plan", "pro"));
          await().atMost(Duration.ofSeconds(10)).until(() -> own.records().forPerson("sim-1").size() == 1);
        });
  }

  @Test
  void simulatorIsOffUnlessAskedFor() {
    runner().run(ctx -> assertThat(ctx).doesNotHaveBean(CioSimulator.class));
  }

  @Test
  void redisStoreNeedsCioRedisOnTheClasspath() {
    runner().withClassLoader(new FilteredClassLoader("io.ciorelay.redis"))
        .withPropertyValues("cio.store.uri=redis://127.0.0.1:6379").run(ctx -> {
          assertThat(ctx).hasFailed();
          CioPropertyException e = rootCio(ctx.getStartupFailure());
          assertThat(e.property()).isEqualTo("cio.store.uri");
          assertThat(e.getMessage()).contains("io.ciorelay:cio-redis");
        });
  }

  @Test
  void redisStoreSettingsAreCheckedByItsBuilder() {
    assertRefused(runner(), "cio.store.uri", "uri must start with redis://, rediss://, redis-cluster:// or rediss-cluster://",
        "cio.store.uri=http://127.0.0.1:6379");
    assertRefused(runner(), "cio.store.prefix", "prefix must be 1..64", "cio.store.uri=redis://127.0.0.1:6379",
        "cio.store.prefix=bad prefix");
  }

  @Test
  void redisStoreCarriesTheOutboxAndDelivers() {
    String prefix = "cio-spring-test-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    String person = "redis-" + System.nanoTime();
    try {
      runner().withPropertyValues("cio.store.uri=redis://127.0.0.1:6379", "cio.store.prefix=" + prefix,
          "cio.store.shards=2", "cio.store.lease-ttl=15s", "cio.linger=5ms").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            CustomerIo cio = ctx.getBean(CustomerIo.class);
            assertThat(cio.config().outboxFactory().describe(cio.config().outbox())).contains("redis");
            assertThat(cio.track(person, "stored_in_redis", Map.of()).isAccepted()).isTrue();
            await().atMost(Duration.ofSeconds(15)).until(() -> sim.records().forPerson(person).size() == 1);
          });
    } finally {
      io.ciorelay.redis.RedisKeys.deletePrefix("redis://127.0.0.1:6379", prefix);
    }
  }

  @Test
  void startupFailureReportNamesThePropertyAndTheWayOut() {
    CioPropertyException e = new CioPropertyException("cio.linger", "linger must be in 0..PT1M but was PT2M", null);
    org.springframework.boot.diagnostics.FailureAnalysis a =
        new CioPropertyFailureAnalyzer().analyze(new IllegalStateException("context failed", e));
    assertThat(a.getDescription()).contains("cio.linger: linger must be in 0..PT1M but was PT2M");
    assertThat(a.getAction()).contains("Change cio.linger").contains("cio.enabled=false");
  }

  static void assertRefused(ApplicationContextRunner runner, String property, String message, String... props) {
    runner.withPropertyValues(props).run(ctx -> {
      assertThat(ctx).hasFailed();
      CioPropertyException e = rootCio(ctx.getStartupFailure());
      assertThat(e.property()).isEqualTo(property);
      assertThat(e.getMessage()).startsWith(property + ": ").contains(message);
    });
  }

  static CioPropertyException rootCio(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof CioPropertyException e) {
        return e;
      }
    }
    throw new AssertionError("no CioPropertyException in " + t, t);
  }

  @Configuration(proxyBeanMethods = false)
  public static class OwnCustomerIo {
    @Bean(destroyMethod = "close")
    CustomerIo myCustomerIo(org.springframework.core.env.Environment env) throws Exception {
      return CustomerIo.create(CustomerIo.builder().workspace("mine")
          .credentials(env.getProperty("cio.site-id"), env.getProperty("cio.api-key"))
          .baseUrl(env.getProperty("cio.base-url")).storagePath(Files.createTempDirectory("cio-own-").resolve("o.db")).build());
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class AppRegistry {
    @Bean
    MeterRegistry appRegistry() {
      return new SimpleMeterRegistry();
    }
  }
}
