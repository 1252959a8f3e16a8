package io.ballast.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ballast}: the one entry point. */
@Command(
    name = "ballast",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A load balancer for virtualized and bare-metal server fleets.",
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      ValidateCommand.class,
      CtlCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the CLI and exits with its status. */
  public static void main(String[] args) {
    // Netty's allocator emits JFR events; checking whether they are on loads and initialises the
    // JFR event framework the first time a buffer chunk is allocated, which is the first request:
    // 250 ms of it on one core. Off unless asked for (-Dio.netty.jfr.enabled=true).
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
    int code = plainRun(args);
    if (code < 0) {
      code = commandLineFor(args).execute(args);
    }
    if (code != 0 || !keepRunning) {
      System.exit(code);
    }
  }

  /**
   * Runs {@code ballast run ...} without picocli when its arguments are plain (see {@link
   * RunCommand#parsePlain}); -1 when they are not, or this is another command.
   */
  private static int plainRun(String[] args) {
    if (args.length < 2 || !args[0].equals("run")) {
      return -1;
    }
    RunCommand run = RunCommand.parsePlain(java.util.Arrays.copyOfRange(args, 1, args.length));
    if (run == null) {
      return -1;
    }
    try {
      return run.call();
    } catch (Exception e) {
      System.err.println("ballast run: " + e);
      return 1;
    }
  }

  /** Set by commands that leave a node running after {@code execute} returns. */
  static volatile boolean keepRunning;

  /**
   * The command line for these arguments: for {@code run} and {@code demo}, a tree holding only
   * that command, otherwise the whole one. Picocli builds the model of every command in a tree by
   * reflection before parsing; all of {@code ctl}'s took about 0.4 s of a node's start on one core.
   * Same options, messages and usage ({@code ballast run --help}) either way.
   */
  static CommandLine commandLineFor(String[] args) {
    Object only =
        args.length == 0
            ? null
            : switch (args[0]) {
              case "run" -> new RunCommand();
              case "demo" -> new DemoCommand();
              default -> null;
            };
    if (only == null) {
      return commandLine();
    }
    CommandLine root = new CommandLine(CommandLine.Model.CommandSpec.create().name("ballast"));
    root.addSubcommand(new CommandLine(only));
    root.setCaseInsensitiveEnumValuesAllowed(true);
    return root;
  }

  /** The configured command line (also used by tests). */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Reports the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {
        "ballast " + (v == null ? "0.1.0-SNAPSHOT" : v),
        "java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ")"
      };
    }
  }
}
