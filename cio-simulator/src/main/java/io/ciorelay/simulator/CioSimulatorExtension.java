package io.ciorelay.simulator;

import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that runs a {@link CioSimulator} on a random loopback port and resets it
 * before each test.
 *
 * <pre>{@code
 * @RegisterExtension static CioSimulatorExtension sim = CioSimulatorExtension.create();
 * // or: @ExtendWith(CioSimulatorExtension.class) and a CioSimulator test or constructor parameter
 * }</pre>
 *
 * <p>Registered on a static field (or with {@code @ExtendWith}), one simulator serves the whole
 * class and is closed after it; on an instance field, each test gets its own, closed after the
 * test. A {@code CioSimulator} parameter of a test, lifecycle method or constructor is injected.
 *
 * <p>Thread-safety: JUnit drives the callbacks; the simulator itself is thread-safe.
 */
public final class CioSimulatorExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

  private final Consumer<CioSimulator.Builder> configuration;
  private CioSimulator simulator;
  private boolean perClass;

  /** With the defaults; used by {@code @ExtendWith}. */
  public CioSimulatorExtension() {
    this(b -> {});
  }

  private CioSimulatorExtension(Consumer<CioSimulator.Builder> configuration) {
    this.configuration = Objects.requireNonNull(configuration, "configuration");
  }

  /** An extension with the default simulator configuration. */
  public static CioSimulatorExtension create() {
    return new CioSimulatorExtension();
  }

  /** An extension whose simulator is configured by this callback (the port is forced to 0). */
  public static CioSimulatorExtension create(Consumer<CioSimulator.Builder> configuration) {
    return new CioSimulatorExtension(configuration);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    startIfNeeded();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    startIfNeeded();
    simulator.reset();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      stop();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
    return parameter.getParameter().getType() == CioSimulator.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
    startIfNeeded();
    return simulator;
  }

  /**
   * The running simulator.
   *
   * @throws IllegalStateException outside a test's lifecycle
   */
  public CioSimulator simulator() {
    if (simulator == null) {
      throw new IllegalStateException("the simulator runs only while a test class or test is running");
    }
    return simulator;
  }

  /** Shortcut for {@code simulator().baseUrl()}. */
  public String baseUrl() {
    return simulator().baseUrl();
  }

  /** Shortcut for {@code simulator().records()}. */
  public Records records() {
    return simulator().records();
  }

  /** Shortcut for {@code simulator().faults()}. */
  public Faults faults() {
    return simulator().faults();
  }

  /** Shortcut for {@code simulator().stats()}. */
  public SimulatorStats stats() {
    return simulator().stats();
  }

  private synchronized void startIfNeeded() {
    if (simulator == null) {
      CioSimulator.Builder b = CioSimulator.builder();
      configuration.accept(b);
      simulator = b.port(0).build().start();
    }
  }

  private synchronized void stop() {
    if (simulator != null) {
      simulator.close();
      simulator = null;
    }
  }
}
