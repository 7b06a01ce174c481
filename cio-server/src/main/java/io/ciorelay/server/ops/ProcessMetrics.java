package io.ciorelay.server.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.logging.LogbackMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The JVM and process meters of a running relay, from Micrometer's standard binders: memory
 * pools and buffers, GC pauses and heap pressure, threads, classes, CPU (process and system),
 * uptime and start time, open and maximum file descriptors, the JVM version, and log events by
 * level (Logback; absent under another SLF4J binding). {@link #close()} unbinds what holds
 * listeners (GC notifications, the Logback turbo filter). Not thread-safe; one per relay.
 */
public final class ProcessMetrics implements AutoCloseable {
  private final List<AutoCloseable> closeables = new ArrayList<>();

  private ProcessMetrics() {}

  /** Binds every meter above to {@code registry}. */
  public static ProcessMetrics bindTo(MeterRegistry registry) {
    ProcessMetrics m = new ProcessMetrics();
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    m.closeables.add(gc);
    JvmHeapPressureMetrics pressure = new JvmHeapPressureMetrics();
    pressure.bindTo(registry);
    m.closeables.add(pressure);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext) {
      LogbackMetrics logs = new LogbackMetrics();
      logs.bindTo(registry);
      m.closeables.add(logs);
    }
    return m;
  }

  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception ignored) {
        // unbinding listeners at shutdown; nothing to report
      }
    }
    closeables.clear();
  }
}
