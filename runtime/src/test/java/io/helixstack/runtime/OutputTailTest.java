package io.helixstack.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.helixstack.plugin.tck.InMemoryObservabilitySink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputTailTest {
    @TempDir
    Path tmp;
    private final InMemoryObservabilitySink sink = new InMemoryObservabilitySink();

    @Test
    void completeLinesAreReadOnceAndAnUnfinishedLineWaitsForItsEnd() throws IOException {
        SupervisionDir files = SupervisionDir.create(tmp, "app-web-1");
        OutputTail tail = tail(files);

        append(files.stdout(), "one\ntwo\nthr");
        append(files.stderr(), "oops\n");
        tail.poll();
        tail.poll();
        append(files.stdout(), "ee\n");
        tail.poll();

        assertThat(sink.lines("app-web-1", InstanceLog.STDOUT)).containsExactly("one", "two", "three");
        assertThat(sink.lines("app-web-1", InstanceLog.STDERR)).containsExactly("oops");
    }

    @Test
    void aNewTailResumesWhereTheLastOneStopped() throws IOException {
        SupervisionDir files = SupervisionDir.create(tmp, "app-web-1");
        append(files.stdout(), "before\n");
        tail(files).poll();
        append(files.stdout(), "after\n");

        tail(files).poll();

        assertThat(sink.lines("app-web-1", InstanceLog.STDOUT)).containsExactly("before", "after");
    }

    @Test
    void aFileReadToItsEndIsCutBackOnceItIsLarge() throws IOException {
        SupervisionDir files = SupervisionDir.create(tmp, "app-web-1");
        OutputTail tail = tail(files);
        String line = "x".repeat(1023) + "\n";
        append(files.stdout(), line.repeat((int) (OutputTail.ROTATE_BYTES / 1024)));
        while (Files.size(files.stdout()) > 0) {
            tail.poll();
        }
        append(files.stdout(), "after the cut\n");

        tail.poll();

        assertThat(sink.lines("app-web-1", InstanceLog.STDOUT)).hasSize((int) (OutputTail.ROTATE_BYTES / 1024) + 1)
                .endsWith("after the cut");
        assertThat(Files.size(files.stdout())).isEqualTo("after the cut\n".length());
    }

    private OutputTail tail(SupervisionDir files) {
        return new OutputTail(files, new InstanceLog(UUID.randomUUID(), files.instanceId(), sink, Clock.systemUTC(), 10));
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
