package io.helixstack.control;

import io.helixstack.domain.Deployment;
import io.helixstack.domain.DeploymentState;
import io.helixstack.store.ConflictException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Which deployment a rollback goes to. */
final class Rollbacks {
    private Rollbacks() {
    }

    /**
     * Resolves what the user named: an id, a short id ({@code 1a2b3c4d}, or {@code d-1a2b3c4d}), a label ({@code main/2})
     * or a number ({@code 2}). Without a name: the newest deployment before the live one that was live itself.
     */
    static Deployment choose(List<Deployment> deployments, Optional<UUID> live, String wanted) {
        if (wanted == null || wanted.isBlank()) {
            int liveNumber = live.flatMap(id -> deployments.stream().filter(d -> d.id().equals(id)).findFirst())
                    .map(Deployment::number).orElse(Integer.MAX_VALUE);
            return deployments.stream()
                    .filter(d -> d.state() == DeploymentState.SUPERSEDED || d.state() == DeploymentState.ROLLED_BACK)
                    .filter(d -> d.number() < liveNumber)
                    .max(Comparator.comparingInt(Deployment::number))
                    .orElseThrow(() -> new ConflictException("nothing to roll back to: no earlier deployment was live before the"
                            + " current one (expected: at least two successful deployments, or name one)"));
        }
        String w = wanted.strip();
        String shortId = w.startsWith("d-") ? w.substring(2) : w;
        return deployments.stream()
                .filter(d -> d.id().toString().equals(w) || d.label().equals(w) || String.valueOf(d.number()).equals(w)
                        || (shortId.length() >= 6 && d.id().toString().startsWith(shortId)))
                .findFirst()
                .orElseThrow(() -> new NotFoundException("deployment \"" + w + "\" not found (expected: an id, a short id, a label"
                        + " like main/2, or a number)"));
    }

    /**
     * The environment a rollback acts in: production by default, or a pull request's preview named {@code preview/7}
     * or {@code pr-7}.
     */
    static String environment(String wanted) {
        if (wanted == null || wanted.isBlank() || wanted.strip().equals(Deployment.PRODUCTION)) {
            return Deployment.PRODUCTION;
        }
        String w = wanted.strip();
        String number = w.startsWith("preview/") ? w.substring("preview/".length()) : w.startsWith("pr-") ? w.substring(3) : "";
        if (number.matches("[1-9][0-9]{0,8}")) {
            return Deployment.previewEnvironment(Integer.parseInt(number));
        }
        throw new io.helixstack.domain.InvalidInputException("environment: \"" + w
                + "\" (expected: production, or a pull request's preview like preview/7 or pr-7)");
    }

    /** @return the artifact digest to promote */
    static String checkTarget(Deployment target) {
        if (target.state() == DeploymentState.LIVE) {
            throw new ConflictException(target.label() + " is already live (expected: an earlier deployment)");
        }
        if (target.artifactDigest() == null || !(target.state().isSettled())) {
            throw new ConflictException(target.label() + " has no artifact to promote (it is " + target.state().wireName()
                    + (target.failureReason() != null ? ": " + target.failureReason() : "") + ")");
        }
        return target.artifactDigest();
    }
}
