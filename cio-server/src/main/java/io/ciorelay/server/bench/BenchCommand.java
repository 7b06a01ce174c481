package io.ciorelay.server.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code cio bench}: reproduces the project's headline numbers on this machine. Alone it runs
 * {@code all} with its defaults (one table against the goals); subcommands run one measurement
 * each. Not thread-safe; one instance per invocation.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {"Measure delivery throughput, track() latency, relay ingestion, backlog memory and a Redis fleet on this machine.",
        "Without a subcommand: `all` with its defaults (about 2 minutes)."},
    subcommands = {AllBench.class, DeliveryBench.class, RelayBench.class, BacklogBench.class, FleetBench.class})
public final class BenchCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    return spec.commandLine().getSubcommands().get("all").execute();
  }
}
