package io.ciorelay.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Start-up failure report for a refused {@code cio.*} property: the property, the value's rule, the fix. */
public class CioPropertyFailureAnalyzer extends AbstractFailureAnalyzer<CioPropertyException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, CioPropertyException cause) {
    return new FailureAnalysis("The Customer.io delivery could not start: " + cause.getMessage(),
        "Change " + cause.property() + " (or set cio.enabled=false to start without Customer.io delivery).", cause);
  }
}
