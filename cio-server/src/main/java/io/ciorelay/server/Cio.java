package io.ciorelay.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code cio} command line: the top-level command whose subcommands (each its own class) do
 * the work. {@code ./cio --help} lists them. Not thread-safe; one instance per invocation.
 */
@Command(
    name = "cio",
    mixinStandardHelpOptions = true,
    versionProvider = Cio.Version.class,
    description = "Reliable delivery of data to Customer.io: relay service, simulator and tools.",
    subcommands = {RelayCommand.class, DemoCommand.class, SimulatorCommand.class, StatusCommand.class,
        DlqCommand.class, io.ciorelay.server.importer.ImportCommand.class,
        io.ciorelay.server.bench.BenchCommand.class, io.ciorelay.server.loadtest.CleanupLoadTestCommand.class,
        io.ciorelay.server.torture.TortureCommand.class,
        CommandLine.HelpCommand.class})
public final class Cio implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for tests and embedding. */
  public static CommandLine commandLine() {
    return new CommandLine(new Cio());
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads the version from the jar manifest, falling back to the build's version. */
  static final class Version implements CommandLine.IVersionProvider {
    static final String FALLBACK = "0.1.0-SNAPSHOT";

    @Override
    public String[] getVersion() {
      String v = Cio.class.getPackage().getImplementationVersion();
      return new String[] {"cio " + (v == null ? FALLBACK : v)};
    }
  }
}
