package io.visionstreams.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code vision-streams} launcher. */
@Command(name = "vision-streams", mixinStandardHelpOptions = true, version = "vision-streams 0.1.0",
        description = "Kafka-native streaming vision processor.",
        subcommands = {CommandLine.HelpCommand.class, ProduceCommand.class, ConsumeCommand.class})
public final class VisionStreamsCli {

    public static void main(String[] args) {
        System.exit(new CommandLine(new VisionStreamsCli()).execute(args));
    }
}
