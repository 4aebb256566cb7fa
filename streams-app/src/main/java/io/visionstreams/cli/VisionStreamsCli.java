package io.visionstreams.cli;

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code vision-streams} launcher. */
@Command(name = "vision-streams", mixinStandardHelpOptions = true, version = "vision-streams 0.1.0",
        description = "Kafka-native streaming vision processor.",
        subcommands = {ProduceCommand.class, ConsumeCommand.class, DetectCommand.class, StylizeCommand.class, RunCommand.class,
            StereoCommand.class, StereoBenchCommand.class, StereoKernelsCommand.class, MatchCommand.class,
            MatchBenchCommand.class, EvaluateDetectionCommand.Group.class, KeygenCommand.class, PublishCommand.class, CommandLine.HelpCommand.class})
public final class VisionStreamsCli {

    /** Commands that need the embedded broker; a production build (-Dproduction) leaves them out. */
    static final List<String> EMBEDDED_COMMANDS = List.of("io.visionstreams.cli.DemoCommand", "io.visionstreams.cli.BenchCommand");

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new VisionStreamsCli());
        cl.setExecutionExceptionHandler(VisionStreamsCli::reportFailure);
        for (String className : EMBEDDED_COMMANDS) {
            try {
                cl.addSubcommand(Class.forName(className).getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException | LinkageError e) {
                String name = className.substring(className.lastIndexOf('.') + 1).replace("Command", "").toLowerCase();
                cl.addSubcommand(name, new Unavailable(name));
            }
        }
        return cl;
    }

    /**
     * A command that fails for a reason the user can act on (bad file, bad option, model or runtime that cannot be
     * used) prints one clear line, not a stack trace; anything else is a bug and keeps its trace. Set
     * VISION_STREAMS_DEBUG=1 for traces always.
     */
    static int reportFailure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        boolean expected = e instanceof io.visionstreams.inference.InferenceException
                || e instanceof io.visionstreams.imaging.ImageDecodeException
                || e instanceof java.io.IOException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException;
        if (expected && System.getenv("VISION_STREAMS_DEBUG") == null) {
            StringBuilder msg = new StringBuilder(String.valueOf(e.getMessage()));
            for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                if (c.getMessage() != null && !msg.toString().contains(c.getMessage())) {
                    msg.append(": ").append(c.getMessage());
                }
            }
            cl.getErr().println(cl.getColorScheme().errorText("error: " + msg));
        } else {
            e.printStackTrace(cl.getErr());
        }
        return 1;
    }

    @Command(description = "Not in this build (it was built without the embedded broker, -Dproduction).")
    static final class Unavailable implements Callable<Integer> {
        private final String name;

        Unavailable(String name) {
            this.name = name;
        }

        @Override
        public Integer call() {
            System.err.println("'" + name + "' needs the embedded Kafka broker, which this build leaves out "
                    + "(built with -Dproduction). Use 'run --config FILE' against a cluster.");
            return 2;
        }
    }
}
