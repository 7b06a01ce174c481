package io.ciorelay.server.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code cio bench}: reproduces the project's headline numbers on this machine. Subcommands run
 * one measurement each. Not thread-safe; one instance per invocation.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure delivery throughput, track() latency and backlog memory on this machine.",
    subcommands = {DeliveryBench.class, BacklogBench.class, FleetBench.class})
public final class BenchCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
