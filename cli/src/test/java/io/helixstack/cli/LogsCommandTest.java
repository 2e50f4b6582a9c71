package io.helixstack.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class LogsCommandTest {
    private static final String DEPLOYMENT = "ab12cd34-0000-4000-8000-000000000001";

    @TempDir
    Path temp;

    private FakeApi api;
    private CliRunner helix;

    @BeforeEach
    void start() throws IOException {
        api = new FakeApi();
        helix = CliRunner.against(api, temp);
        api.addApp("hello");
        for (int i = 1; i <= 5; i++) {
            api.addLogLine(DEPLOYMENT, "web.1", "request " + i);
        }
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void printsTheLastLinesOneLogLineEach() {
        CliRunner.Result result = helix.run("logs", "--app", "hello", "--lines", "2");

        assertThat(result.exitCode()).isZero();
        assertThat(api.targets()).containsExactly("GET /applications/hello/logs?limit=2");
        assertThat(result.outLines()).containsExactly(
                "2026-11-23T14:00:04Z d-ab12cd34 web.1 | request 4",
                "2026-11-23T14:00:05Z d-ab12cd34 web.1 | request 5");
    }

    @Test
    void jsonIsAnArrayOfLineObjects() throws IOException {
        JsonNode lines = Json.MAPPER.readTree(helix.run("logs", "--app", "hello", "--json").out());

        assertThat(lines).hasSize(5);
        assertThat(lines.get(0).get("line").asText()).isEqualTo("request 1");
    }

    @Test
    void followPrintsNewLinesAsTheyArriveAndNotTheReplayedOnes() {
        api.addStreamedLogLine(DEPLOYMENT, "web.2", "new request");

        CliRunner.Running running = helix.start("logs", "--app", "hello", "-f", "-n", "1");

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(running.out().toString()).contains("web.2 | new request"));
        assertThat(running.exitCode()).isNotDone();
        api.endLogStream.countDown();
        assertThat(running.exitCode().join()).isZero();
        assertThat(running.out().toString().lines().toList()).containsExactly(
                "2026-11-23T14:00:05Z d-ab12cd34 web.1 | request 5",
                "2026-11-23T14:00:06Z d-ab12cd34 web.2 | new request");
        assertThat(api.targets()).contains("GET /applications/hello/logs?follow=1&after=5");
    }

    @Test
    void followWithNoHistoryStartsTheTailAtTheNewestLine() {
        api.addStreamedLogLine(DEPLOYMENT, "web.1", "new request");
        api.endLogStream.countDown();

        CliRunner.Result result = helix.run("logs", "--app", "hello", "-f", "--lines", "0");

        assertThat(api.targets()).containsExactly("GET /applications/hello/logs?limit=1", "GET /applications/hello/logs?follow=1&after=5");
        assertThat(result.outLines()).containsExactly("2026-11-23T14:00:06Z d-ab12cd34 web.1 | new request");
    }

    @Test
    void followJsonIsOneObjectPerLine() {
        api.addStreamedLogLine(DEPLOYMENT, "web.1", "new request");
        api.endLogStream.countDown();

        CliRunner.Result result = helix.run("logs", "--app", "hello", "-f", "-n", "1", "--json");

        assertThat(result.exitCode()).isZero();
        assertThat(result.outLines()).hasSize(2).allSatisfy(line -> assertThat(Json.MAPPER.readTree(line).has("seq")).isTrue());
    }
}
