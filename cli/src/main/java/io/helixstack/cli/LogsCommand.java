package io.helixstack.cli;

import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code helix logs --app NAME [-f] [--lines N]}: the last N lines of the app's runtime log, then with {@code -f}
 * the live tail until interrupted. With {@code --json}: a JSON array, or with {@code -f} one JSON object per line.
 */
@Command(name = "logs", description = "Show an application's logs.")
final class LogsCommand extends AppCommand {
    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines as they arrive, until interrupted.")
    boolean follow;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "100",
            description = "How many recent lines to show first (default: ${DEFAULT-VALUE}).")
    int lines;

    @Override
    public Integer call() {
        if (lines < 0) {
            throw new ParameterException(spec.commandLine(),
                    "--lines: " + lines + " (expected: 0 or more)");
        }
        Output output = output();
        ApiClient api = api();
        // At least one line even for --lines 0: its seq is where the live tail has to start.
        List<LogLine> fetched = api.logs(app, Math.max(1, lines));
        long[] lastSeq = {fetched.stream().mapToLong(LogLine::seq).max().orElse(0)};
        // Keep the newest N whatever window the server answered with.
        List<LogLine> recent = fetched.subList(Math.max(0, fetched.size() - lines), fetched.size());
        if (output.json() && !follow) {
            output.json(Json.MAPPER.valueToTree(recent.stream().map(LogLine::json).toList()));
            return 0;
        }
        recent.forEach(line -> print(output, line, lastSeq));
        if (follow) {
            // A stream that replays history is deduplicated by seq; lines without one are printed as they come.
            api.followLogs(app, lastSeq[0], line -> {
                if (line.seq() == 0 || line.seq() > lastSeq[0]) {
                    print(output, line, lastSeq);
                }
            });
        }
        return 0;
    }

    private static void print(Output output, LogLine line, long[] lastSeq) {
        if (output.json()) {
            output.jsonLine(line.json());
        } else {
            output.line(line.format());
        }
        lastSeq[0] = Math.max(lastSeq[0], line.seq());
    }
}
