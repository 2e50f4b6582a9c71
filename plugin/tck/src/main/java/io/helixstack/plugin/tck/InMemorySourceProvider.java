package io.helixstack.plugin.tck;

import io.helixstack.plugin.api.CommitStatus;
import io.helixstack.plugin.api.SourceProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A forge in memory: it knows some repositories, each with the one token it accepts, and keeps the latest status per
 * commit and context, like a forge's API. Every accepted report is also kept in order ({@link #reports()}).
 */
public final class InMemorySourceProvider implements SourceProvider {
    private static final int DESCRIPTION_LIMIT = 140;

    private final String name;
    private final Map<String, String> tokenOfRepository = new LinkedHashMap<>();
    private final Map<String, Map<String, SourceProviderContract.Shown>> shownBySha = new LinkedHashMap<>();
    private final List<CommitStatus> reports = new ArrayList<>();
    private boolean failing;

    public InMemorySourceProvider(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** The forge knows {@code repository} and accepts {@code token} for it. */
    public synchronized InMemorySourceProvider withRepository(String repository, String token) {
        tokenOfRepository.put(repository, token);
        return this;
    }

    public synchronized void failing(boolean failing) {
        this.failing = failing;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized void report(CommitStatus status) {
        if (failing) {
            throw new ReportFailedException(name + " answered 503 for the status of " + status.sha(), true);
        }
        String token = tokenOfRepository.get(status.repository());
        if (token == null) {
            throw new ReportFailedException(name + ": repository " + status.repository() + " not found (404)", false);
        }
        if (!token.equals(status.accessToken())) {
            throw new ReportFailedException(name + " refused the access token for " + status.repository() + " (401)", false);
        }
        String description = status.description().length() > DESCRIPTION_LIMIT
                ? status.description().substring(0, DESCRIPTION_LIMIT - 1) + "…" : status.description();
        shownBySha.computeIfAbsent(status.sha(), s -> new LinkedHashMap<>()).put(status.context(),
                new SourceProviderContract.Shown(status.context(), status.state(), status.targetUrl(), description));
        reports.add(status);
    }

    /** What the forge shows for a commit, one entry per context. */
    public synchronized List<SourceProviderContract.Shown> shown(String sha) {
        return List.copyOf(shownBySha.getOrDefault(sha, Map.of()).values());
    }

    /** Every accepted report, oldest first. */
    public synchronized List<CommitStatus> reports() {
        return List.copyOf(reports);
    }
}
