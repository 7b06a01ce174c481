package io.ciorelay.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ciorelay.delivery.CustomerIo;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * The {@code customerio} health indicator on this module's Boot version, loaded the way Boot
 * loads it: from the starter's {@code AutoConfiguration.imports}. Boot 3 and Boot 4 name the
 * health types differently, so they are reached through whichever {@code HealthIndicator} exists.
 */
class CioHealthAutoConfigurationTest extends WithSimulator {

  private ApplicationContextRunner runner() throws Exception {
    Class<?>[] registered = ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
        .getCandidates().stream().filter(n -> n.startsWith("io.ciorelay.spring")).map(n -> {
          try {
            return Class.forName(n);
          } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
          }
        }).toArray(Class<?>[]::new);
    Class<?> healthConfig = Class.forName(healthPackage().startsWith("org.springframework.boot.health")
        ? "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration"
        : "org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration");
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(registered))
        .withConfiguration(AutoConfigurations.of(healthConfig))
        .withPropertyValues(simulatorProperties());
  }

  @Test
  void theStarterRegistersTheCoreAndTheHealthAutoConfiguration() {
    assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
        .contains(CioAutoConfiguration.class.getName())
        .anyMatch(n -> n.matches("io\\.ciorelay\\.spring\\.boot[34]\\.CioHealthAutoConfiguration"));
  }

  @Test
  void upWithTheLibrarysHealthAsDetails() throws Exception {
    runner().run(ctx -> {
      assertThat(ctx).hasNotFailed().hasBean("customerioHealthIndicator");
      ctx.getBean(CustomerIo.class).track("h1", "ev", Map.of());
      await().atMost(Duration.ofSeconds(10)).until(() -> details(ctx).get("backlog").equals(0L));
      assertThat(status(ctx)).isEqualTo("UP");
      Map<String, Object> d = details(ctx);
      assertThat(d).containsEntry("delivery", "UP").containsEntry("breakerState", "CLOSED")
          .containsKeys("backlog", "backlogBytes", "oldestPendingAge", "deadLetters", "deliveredPerSecond",
              "failures", "consecutiveFailures", "lastSuccess");
    });
  }

  @Test
  void downWhenCustomerIoRefusesTheCredentials() throws Exception {
    runner().withPropertyValues("cio.api-key=wrong-key").run(ctx -> {
      ctx.getBean(CustomerIo.class).track("h2", "ev", Map.of());
      await().atMost(Duration.ofSeconds(10)).until(() -> status(ctx).equals("DOWN"));
      assertThat(details(ctx)).containsEntry("delivery", "DOWN").containsKey("reasons");
      assertThat(details(ctx).toString()).doesNotContain("wrong-key");
    });
  }

  @Test
  void severalWorkspacesReportEachAndTheWorst() throws Exception {
    runner().withPropertyValues("cio.workspaces.a.lanes=1", "cio.workspaces.b.lanes=1", "cio.routing.rule=HASH")
        .run(ctx -> {
          assertThat(status(ctx)).isEqualTo("UP");
          assertThat(details(ctx)).containsEntry("delivery", "UP");
          assertThat(((Map<?, ?>) details(ctx).get("workspaces")).keySet().toString()).isEqualTo("[a, b]");
        });
  }

  @Test
  void offWhenDisabledOrWithoutDelivery() throws Exception {
    runner().withPropertyValues("management.health.customerio.enabled=false")
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("customerioHealthIndicator"));
    runner().withPropertyValues("cio.enabled=false")
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("customerioHealthIndicator"));
  }

  @Test
  void coversAnApplicationsOwnCustomerIo() throws Exception {
    runner().withUserConfiguration(CioAutoConfigurationTest.OwnCustomerIo.class).run(ctx -> {
      assertThat(ctx).doesNotHaveBean(CioRuntime.class).hasBean("customerioHealthIndicator");
      assertThat(status(ctx)).isEqualTo("UP");
    });
  }

  static String healthPackage() {
    try {
      Class.forName("org.springframework.boot.health.contributor.HealthIndicator");
      return "org.springframework.boot.health.contributor";
    } catch (ClassNotFoundException e) {
      return "org.springframework.boot.actuate.health";
    }
  }

  static Object health(ApplicationContext ctx) throws Exception {
    Class<?> indicator = Class.forName(healthPackage() + ".HealthIndicator");
    return indicator.getMethod("health").invoke(ctx.getBean("customerioHealthIndicator"));
  }

  static String status(ApplicationContext ctx) throws Exception {
    Object h = health(ctx);
    Object s = h.getClass().getMethod("getStatus").invoke(h);
    return (String) s.getClass().getMethod("getCode").invoke(s);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> details(ApplicationContext ctx) throws Exception {
    Object h = health(ctx);
    return (Map<String, Object>) h.getClass().getMethod("getDetails").invoke(h);
  }
}
