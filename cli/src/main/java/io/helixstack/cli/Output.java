package io.helixstack.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Everything a command prints. Results go to stdout (tables for people, JSON with {@code --json}); progress, warnings
 * and errors go where they do not corrupt a result a script is reading: progress is silent in JSON mode, warnings
 * and errors go to stderr.
 */
final class Output {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;

    Output(PrintWriter out, PrintWriter err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    boolean json() {
        return json;
    }

    /** A result line for people; callers in JSON mode print {@link #json(JsonNode)} instead. */
    void line(String text) {
        out.println(text);
    }

    /** Text exactly as given (a generated file), in any mode. */
    void raw(String text) {
        out.print(text);
        out.flush();
    }

    /** A step of a longer operation ("Building…"), only for people watching. */
    void progress(String text) {
        if (!json) {
            out.println(text);
        }
    }

    void warn(String text) {
        err.println("helix: warning: " + HelixCli.oneLine(text));
    }

    /** An error that does not end the command by exception (the command returns the exit code itself). */
    void error(String text) {
        err.println("helix: " + HelixCli.oneLine(text));
    }

    void json(JsonNode node) {
        out.println(Json.pretty(node));
    }

    /** One JSON document per line, for streams a script reads as it goes ({@code logs -f --json}). */
    void jsonLine(JsonNode node) {
        out.println(Json.compact(node));
    }

    /** Left-aligned columns two spaces apart; null cells print as "-" so an unknown value never looks like a shift. */
    void table(List<String> headers, List<List<String>> rows) {
        int[] widths = new int[headers.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(headers);
        for (List<String> row : rows) {
            all.add(row.stream().map(cell -> cell == null ? "-" : cell).toList());
        }
        for (List<String> row : all) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                String cell = row.get(i);
                line.append(cell);
                if (i < widths.length - 1) {
                    line.append(" ".repeat(widths[i] - cell.length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** {@code 1.2 MB}: decimal units, like the sizes browsers and upload limits are quoted in. */
    static String size(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** {@code 42s}, {@code 5m}, {@code 3h}, {@code 12d}: enough precision to tell deployments apart at a glance. */
    static String age(Duration age) {
        long seconds = Math.max(0, age.getSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m";
        }
        if (seconds < 48 * 3600) {
            return seconds / 3600 + "h";
        }
        return seconds / 86400 + "d";
    }
}
