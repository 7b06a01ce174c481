package io.ciorelay.spring;

import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.CustomerIoConfig;
import io.ciorelay.delivery.Workspaces;
import io.ciorelay.delivery.routing.Routing;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The core auto-configuration of both starters: a {@link CustomerIo} bean from {@code cio.*}
 * (or a {@link Workspaces} bean when {@code cio.workspaces.*} is set), with the application's
 * {@link MeterRegistry}, adjusted by any {@link CioCustomizer} beans, and closed by
 * {@link CioRuntime} after the web server stops. Backs off when {@code cio.enabled=false} or
 * when the application defines its own {@code CustomerIo} or {@code Workspaces} bean.
 */
@AutoConfiguration(afterName = {
    // Boot 4
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
    // Boot 3
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnProperty(prefix = "cio", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(CioProperties.class)
public class CioAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean({CustomerIo.class, Workspaces.class, CioRuntime.class})
  public CioRuntime cioRuntime(CioProperties properties, ObjectProvider<MeterRegistry> registry,
      ObjectProvider<CioCustomizer> customizers, ObjectProvider<Routing> routing,
      ApplicationContext context) {
    CioConfigBinder.Bound bound = CioConfigBinder.bind(properties, registry.getIfAvailable(),
        customizers.orderedStream().collect(Collectors.toList()), routing.getIfAvailable(),
        context.getClassLoader());
    try {
      if (!bound.several()) {
        CustomerIo cio = CustomerIo.create(bound.configs().get(0));
        return new CioRuntime(cio, null, bound.resources(), properties.getShutdownTimeout());
      }
      List<CustomerIoConfig> configs = bound.configs();
      Workspaces ws = Workspaces.create(configs, bound.routing());
      return new CioRuntime(null, ws, bound.resources(), properties.getShutdownTimeout());
    } catch (RuntimeException e) {
      CioConfigBinder.closeQuietly(bound.resources());
      throw e;
    }
  }

  /** The single workspace; closed by {@link CioRuntime}, not by the bean factory. */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean({CustomerIo.class, Workspaces.class})
  @Conditional(OnSingleWorkspace.class)
  public CustomerIo customerIo(CioRuntime runtime) {
    return runtime.customerIo();
  }

  /** The workspaces of {@code cio.workspaces.*}; closed by {@link CioRuntime}. */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean({CustomerIo.class, Workspaces.class})
  @Conditional(OnSeveralWorkspaces.class)
  public Workspaces cioWorkspaces(CioRuntime runtime) {
    return runtime.workspaces();
  }

  static boolean hasWorkspaces(ConditionContext context) {
    return Binder.get(context.getEnvironment())
        .bind("cio.workspaces", Bindable.mapOf(String.class, CioWorkspaceProperties.class))
        .map(Map::isEmpty).map(empty -> !empty).orElse(false);
  }

  /** Matches when {@code cio.workspaces} is set ({@link #several}) or not. */
  abstract static class WorkspacesCondition extends SpringBootCondition {
    private final boolean several;

    WorkspacesCondition(boolean several) {
      this.several = several;
    }

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      boolean set = hasWorkspaces(context);
      String why = set ? "cio.workspaces is set" : "cio.workspaces is not set";
      return set == several ? ConditionOutcome.match(why) : ConditionOutcome.noMatch(why);
    }
  }

  static final class OnSingleWorkspace extends WorkspacesCondition {
    OnSingleWorkspace() {
      super(false);
    }
  }

  static final class OnSeveralWorkspaces extends WorkspacesCondition {
    OnSeveralWorkspaces() {
      super(true);
    }
  }
}
