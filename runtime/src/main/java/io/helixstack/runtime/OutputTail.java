package io.helixstack.runtime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds an instance's output files into its {@link InstanceLog}: each {@link #poll()} reads the complete lines written
 * since the last one and saves how far it got, so a runtime process started again resumes there — lines the app wrote
 * while no runtime ran are read then, none twice.
 *
 * <p>A file the log has read entirely is cut back to empty once it passes {@link #ROTATE_BYTES}; the app appends
 * ({@code O_APPEND}), so its next line lands at the new start. A line the app writes between the last read and the cut
 * is lost — the same window as logrotate's {@code copytruncate}.
 */
final class OutputTail {
    static final long ROTATE_BYTES = 8L * 1024 * 1024;
    /** Read at most this much per file and poll, so one chatty app cannot hold the poller. */
    private static final int CHUNK = 256 * 1024;
    private static final Logger log = LoggerFactory.getLogger(OutputTail.class);

    private final SupervisionDir files;
    private final InstanceLog output;
    private long stdout;
    private long stderr;

    OutputTail(SupervisionDir files, InstanceLog output) {
        this.files = files;
        this.output = output;
        long[] offsets = files.loadOffsets();
        this.stdout = offsets[0];
        this.stderr = offsets[1];
    }

    /** Reads what is new in both files into the log. */
    synchronized void poll() {
        long out = read(files.stdout(), stdout, InstanceLog.STDOUT);
        long err = read(files.stderr(), stderr, InstanceLog.STDERR);
        if (out != stdout || err != stderr) {
            stdout = out;
            stderr = err;
            files.saveOffsets(stdout, stderr);
        }
    }

    /** The new offset into {@code file} after reading its complete lines from {@code from}. */
    private long read(Path file, long from, String stream) {
        if (!Files.exists(file)) {
            return from; // not yet written (the app has not started) or already removed (the instance stopped)
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (size < from) {
                from = 0; // cut by someone else: start over
            }
            if (size == from) {
                if (from >= ROTATE_BYTES) {
                    channel.truncate(0);
                    return 0;
                }
                return from;
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK, size - from));
            while (buffer.hasRemaining() && channel.read(buffer, from + buffer.position()) > 0) {
                // keep reading until the chunk is full
            }
            byte[] bytes = buffer.array();
            int length = buffer.position();
            int end = lastNewline(bytes, length) + 1;
            if (end == 0) {
                // No line end yet: wait for it, unless the line is already longer than the log keeps in one record.
                if (length < InstanceLog.MAX_LINE_CHARS) {
                    return from;
                }
                end = length;
            }
            output.pump(new ByteArrayInputStream(bytes, 0, end), stream);
            return from + end;
        } catch (IOException e) {
            log.atWarn().addKeyValue("file", file).log("Could not read an instance's output: {}", e.getMessage());
            return from;
        }
    }

    private static int lastNewline(byte[] bytes, int length) {
        for (int i = length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
