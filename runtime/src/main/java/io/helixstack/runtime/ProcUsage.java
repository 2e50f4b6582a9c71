package io.helixstack.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time and resident memory of a process tree, read from Linux's {@code /proc}. A process that exits while it is read
 * simply stops counting; where {@code /proc} does not exist, every reading is zero.
 */
final class ProcUsage {
    record Usage(double cpuSeconds, long memoryBytes) {
    }

    private static final long CLOCK_TICKS = sysconf("CLK_TCK", 100);
    private static final long PAGE_SIZE = sysconf("PAGESIZE", 4096);

    private ProcUsage() {
    }

    /**
     * The tree rooted at {@code root}: every live process's user + system time, plus what its already reaped children used
     * (the kernel adds a reaped child's time to its parent), and the sum of their resident set sizes.
     */
    static Usage of(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(root);
        try (Stream<ProcessHandle> descendants = root.descendants()) {
            descendants.forEach(tree::add);
        }
        long ticks = 0;
        long pages = 0;
        for (ProcessHandle p : tree) {
            ticks += cpuTicks(p.pid());
            pages += residentPages(p.pid());
        }
        return new Usage((double) ticks / CLOCK_TICKS, pages * PAGE_SIZE);
    }

    /** utime + stime + cutime + cstime: fields 14–17 of {@code /proc/<pid>/stat}, counted after the parenthesised name. */
    static long cpuTicks(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        int nameEnd = stat.lastIndexOf(')');
        if (nameEnd < 0) {
            return 0;
        }
        String[] fields = stat.substring(nameEnd + 2).split(" ");
        // fields[0] is field 3 (state), so field n is fields[n - 3].
        if (fields.length < 15) {
            return 0;
        }
        long sum = 0;
        for (int n = 14; n <= 17; n++) {
            sum += Long.parseLong(fields[n - 3]);
        }
        return sum;
    }

    private static long residentPages(long pid) {
        String[] statm = read(Path.of("/proc", Long.toString(pid), "statm")).split(" ");
        return statm.length > 1 ? Long.parseLong(statm[1].strip()) : 0;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | RuntimeException e) {
            return ""; // exited meanwhile, or no /proc here
        }
    }

    private static long sysconf(String name, long fallback) {
        try {
            Process getconf = new ProcessBuilder("getconf", name).redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes()).strip();
            return getconf.waitFor() == 0 ? Long.parseLong(out) : fallback;
        } catch (IOException | NumberFormatException e) {
            return fallback;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback;
        }
    }
}
