package io.helixstack.control;

import java.util.List;
import java.util.Objects;

/**
 * What a forge's webhook delivery says, read from its headers and payload, before anyone has checked it is genuine.
 *
 * @param event          the forge's own event name ({@code push}, {@code Push Hook}, {@code repo:push}, …)
 * @param deliveryId     the forge's id of this delivery, the same on a redelivery
 * @param repositoryUrls every URL the payload gives for the repository (clone, web, ssh), to find the linked application
 */
record ForgeEvent(Forge forge, String event, String deliveryId, List<String> repositoryUrls, Action action) {
    ForgeEvent {
        Objects.requireNonNull(forge, "forge");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(deliveryId, "deliveryId");
        repositoryUrls = List.copyOf(repositoryUrls);
        Objects.requireNonNull(action, "action");
    }

    enum Forge {
        GITHUB("github"), GITLAB("gitlab"), BITBUCKET("bitbucket");

        final String wireName;

        Forge(String wireName) {
            this.wireName = wireName;
        }
    }

    /** What the delivery asks for. */
    sealed interface Action {
        /** Refs moved by a push; a Bitbucket push may move several. */
        record Push(List<RefUpdate> updates) implements Action {
            public Push {
                updates = List.copyOf(updates);
            }
        }

        /** The forge checking that the hook works. */
        record Ping() implements Action {
        }

        /**
         * A pull (merge) request opened, updated, reopened ({@code open}), or closed or merged (not {@code open}).
         *
         * @param number         the forge's number of it in the repository (GitLab's {@code iid})
         * @param sha            its head commit (possibly abbreviated, as Bitbucket sends it); null when closed
         * @param headRepository the clone URL of the repository its head lives in (a fork), or null for the same one
         * @param targetBranch   the branch it asks to merge into
         */
        record PullRequest(int number, boolean open, boolean merged, String sha, String headRepository, String headBranch,
                           String targetBranch) implements Action {
        }

        /** An event HelixStack does not act on. */
        record Other() implements Action {
        }
    }

    /**
     * One ref a push moved.
     *
     * @param ref the full ref, {@code refs/heads/main} or {@code refs/tags/v1}
     * @param sha the commit it points to now; null when the push deleted it
     */
    record RefUpdate(String ref, String sha) {
        RefUpdate {
            Objects.requireNonNull(ref, "ref");
        }

        boolean deleted() {
            return sha == null;
        }
    }
}
