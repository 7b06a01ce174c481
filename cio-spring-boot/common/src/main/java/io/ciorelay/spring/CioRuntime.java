package io.ciorelay.spring;

import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.ShutdownReport;
import io.ciorelay.delivery.Workspaces;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The delivery the starter opened from the {@code cio.*} properties (one {@link CustomerIo} or a
 * {@link Workspaces}), closed with the application context: gracefully, within
 * {@code cio.shutdown-timeout}, in a lifecycle phase after the web server has stopped taking
 * requests (so calls made while requests drain are still accepted and delivered). What is not
 * delivered by the deadline stays in the outbox for the next start. Thread-safe.
 */
public final class CioRuntime implements SmartLifecycle, DisposableBean {
  /**
   * Stopped after Boot's web server lifecycles ({@code DEFAULT_PHASE - 1024} for graceful
   * shutdown, {@code - 2048} for the server itself), started before them.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;
  private static final Logger log = LoggerFactory.getLogger(CioRuntime.class);

  private final CustomerIo single;
  private final Workspaces several;
  private final List<AutoCloseable> resources;
  private final Duration shutdownTimeout;
  private volatile boolean running;
  private volatile boolean closed;

  CioRuntime(CustomerIo single, Workspaces several, List<AutoCloseable> resources, Duration shutdownTimeout) {
    this.single = single;
    this.several = several;
    this.resources = List.copyOf(resources);
    this.shutdownTimeout = shutdownTimeout;
  }

  /** The single workspace's delivery, or null when several are configured. */
  public CustomerIo customerIo() {
    return single;
  }

  /** The workspaces, or null when one is configured at the top level. */
  public Workspaces workspaces() {
    return several;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    close();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** Closes if the lifecycle did not (a context that failed to start). */
  @Override
  public void destroy() {
    close();
  }

  private synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (single != null) {
        ShutdownReport r = single.close(shutdownTimeout);
        log.info("Customer.io delivery closed: {}", r);
      } else {
        Map<String, ShutdownReport> r = several.close(shutdownTimeout);
        log.info("Customer.io delivery closed: {}", r);
      }
    } finally {
      CioConfigBinder.closeQuietly(resources);
    }
  }
}
