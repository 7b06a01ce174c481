package io.ciorelay.spring;

import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.Workspaces;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.annotation.Conditional;

/** Matches when the context has a {@link CustomerIo} or a {@link Workspaces} bean (the starter's or the application's). */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(ConditionalOnCioDelivery.OnDelivery.class)
public @interface ConditionalOnCioDelivery {

  /** The condition behind the annotation. */
  final class OnDelivery extends AnyNestedCondition {
    OnDelivery() {
      super(ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnBean(CustomerIo.class)
    static final class Single {}

    @ConditionalOnBean(Workspaces.class)
    static final class Several {}
  }
}
