package io.ciorelay.spring.boot4;

import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.Workspaces;
import io.ciorelay.spring.CioAutoConfiguration;
import io.ciorelay.spring.CioHealthDetails;
import io.ciorelay.spring.ConditionalOnCioDelivery;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code customerio} health indicator ({@code /actuator/health/customerio}) over the
 * application's {@link CustomerIo} or {@link Workspaces} bean, whether the starter made it or the
 * application did. Off with {@code management.health.customerio.enabled=false}.
 */
@AutoConfiguration(after = CioAutoConfiguration.class, afterName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("customerio")
@ConditionalOnCioDelivery
public class CioHealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "customerioHealthIndicator")
  public HealthIndicator customerioHealthIndicator(ObjectProvider<CustomerIo> single,
      ObjectProvider<Workspaces> several) {
    return () -> {
      CustomerIo cio = single.getIfUnique();
      CioHealthDetails h = CioHealthDetails.of(cio, cio == null ? several.getIfUnique() : null);
      return (h.down() ? Health.down() : Health.up()).withDetails(h.details()).build();
    };
  }
}
