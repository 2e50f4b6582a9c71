package io.helixstack.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpHeaders;
import io.helixstack.control.ForgeEvent.Action;
import io.helixstack.control.ForgeEvent.Forge;
import io.helixstack.control.ForgeEvent.RefUpdate;
import io.helixstack.domain.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads each forge's webhook headers and payload into a {@link ForgeEvent}. Only the fields HelixStack acts on are read,
 * so a forge adding fields changes nothing; a field that is needed and missing is a 400 that names it.
 */
final class ForgeEvents {
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    private static final int MAX_HEADER = 200;
    private static final Pattern ABBREVIATED_SHA = Pattern.compile("[0-9a-f]{7,64}");
    private static final Pattern ZEROS = Pattern.compile("0{40}|0{64}");

    private ForgeEvents() {
    }

    static ForgeEvent parse(Forge forge, HttpHeaders headers, JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new InvalidInputException(forge.wireName + " webhook body: not a JSON object (expected: the forge's JSON payload;"
                    + " set the webhook's content type to application/json)");
        }
        return switch (forge) {
            case GITHUB -> github(headers, payload);
            case GITLAB -> gitlab(headers, payload);
            case BITBUCKET -> bitbucket(headers, payload);
        };
    }

    /** {@code X-GitHub-Event}: push, ping, pull_request; push payload: ref, after, deleted, repository.clone_url. */
    private static ForgeEvent github(HttpHeaders headers, JsonNode p) {
        String event = header(headers, "X-GitHub-Event", "push, pull_request or ping");
        String delivery = header(headers, "X-GitHub-Delivery", "the delivery's GUID");
        JsonNode repo = p.path("repository");
        List<String> urls = texts(repo.path("clone_url"), repo.path("html_url"), repo.path("ssh_url"));
        Action action = switch (event) {
            case "push" -> {
                String ref = required(p, "ref", "a ref like refs/heads/main");
                String after = required(p, "after", "the commit sha after the push");
                boolean deleted = p.path("deleted").asBoolean(false) || ZEROS.matcher(after).matches();
                yield new Action.Push(List.of(new RefUpdate(ref, deleted ? null : sha(after, "after"))));
            }
            case "ping" -> new Action.Ping();
            case "pull_request" -> githubPullRequest(p);
            default -> new Action.Other();
        };
        return new ForgeEvent(Forge.GITHUB, event, delivery, urls, action);
    }

    /** action: opened, synchronize (new commits), reopened, closed (merged or not); others (edited, labeled…) are not acted on. */
    private static Action githubPullRequest(JsonNode p) {
        String action = required(p, "action", "opened, synchronize, reopened or closed");
        JsonNode pr = p.path("pull_request");
        boolean open = action.equals("opened") || action.equals("synchronize") || action.equals("reopened");
        if (!open && !action.equals("closed")) {
            return new Action.Other();
        }
        int number = number(p.path("number").isInt() ? p.path("number") : pr.path("number"), "number");
        String sha = open ? sha(required(pr.path("head"), "sha", "the head commit in pull_request.head.sha"),
                "pull_request.head.sha") : null;
        JsonNode headRepo = pr.path("head").path("repo").path("clone_url");
        return new Action.PullRequest(number, open, pr.path("merged").asBoolean(false), sha,
                headRepo.isTextual() ? headRepo.asText() : null, pr.path("head").path("ref").asText(null),
                pr.path("base").path("ref").asText(null));
    }

    /**
     * {@code X-Gitlab-Event}: Push Hook, Tag Push Hook, Merge Request Hook. The delivery id is {@code Idempotency-Key},
     * which GitLab keeps across retries (17.4 and later), else {@code X-Gitlab-Event-UUID}.
     */
    private static ForgeEvent gitlab(HttpHeaders headers, JsonNode p) {
        String event = header(headers, "X-Gitlab-Event", "Push Hook or Merge Request Hook");
        String delivery = headers.contains("Idempotency-Key") ? header(headers, "Idempotency-Key", "the delivery's key")
                : header(headers, "X-Gitlab-Event-UUID", "the event's UUID (or an Idempotency-Key header)");
        JsonNode project = p.path("project");
        JsonNode repo = p.path("repository");
        List<String> urls = texts(project.path("git_http_url"), project.path("git_ssh_url"), project.path("web_url"),
                repo.path("git_http_url"), repo.path("git_ssh_url"), repo.path("homepage"));
        Action action = switch (event) {
            case "Push Hook", "Tag Push Hook" -> {
                String ref = required(p, "ref", "a ref like refs/heads/main");
                String after = required(p, "after", "the commit sha after the push");
                // A deleted branch has after = 0000… and checkout_sha null; otherwise checkout_sha is the pushed head.
                boolean deleted = ZEROS.matcher(after).matches();
                boolean checkout = p.path("checkout_sha").isTextual();
                String sha = deleted ? null : sha(checkout ? p.path("checkout_sha").asText() : after, checkout ? "checkout_sha" : "after");
                yield new Action.Push(List.of(new RefUpdate(ref, sha)));
            }
            case "Merge Request Hook" -> gitlabMergeRequest(p);
            default -> new Action.Other();
        };
        return new ForgeEvent(Forge.GITLAB, event, delivery, urls, action);
    }

    /** object_attributes.action: open, update, reopen, merge, close; others (approved…) are not acted on. */
    private static Action gitlabMergeRequest(JsonNode p) {
        JsonNode mr = p.path("object_attributes");
        String action = required(mr, "action", "open, update, reopen, merge or close in object_attributes.action");
        boolean open = switch (action) {
            case "open", "update", "reopen" -> true;
            default -> false;
        };
        if (!open && !action.equals("merge") && !action.equals("close")) {
            return new Action.Other();
        }
        int number = number(mr.path("iid"), "object_attributes.iid");
        String sha = open ? sha(required(mr.path("last_commit"), "id", "the head commit in object_attributes.last_commit.id"),
                "object_attributes.last_commit.id") : null;
        JsonNode source = mr.path("source").path("git_http_url");
        return new Action.PullRequest(number, open, action.equals("merge"), sha, source.isTextual() ? source.asText() : null,
                mr.path("source_branch").asText(null), mr.path("target_branch").asText(null));
    }

    /** {@code X-Event-Key}: repo:push, pullrequest:*; push payload: push.changes[].new.{type,name,target.hash}. */
    private static ForgeEvent bitbucket(HttpHeaders headers, JsonNode p) {
        String event = header(headers, "X-Event-Key", "repo:push or pullrequest:created|updated|fulfilled|rejected");
        String delivery = header(headers, "X-Request-UUID", "the request's UUID");
        JsonNode repo = p.path("repository");
        List<String> urls = new ArrayList<>(texts(repo.path("links").path("html").path("href")));
        if (repo.path("full_name").isTextual()) {
            urls.add("https://bitbucket.org/" + repo.path("full_name").asText());
        }
        Action action;
        if (event.equals("repo:push")) {
            JsonNode changes = p.path("push").path("changes");
            if (!changes.isArray()) {
                throw new InvalidInputException("bitbucket repo:push payload: push.changes missing (expected: an array of ref changes)");
            }
            List<RefUpdate> updates = new ArrayList<>();
            for (JsonNode change : changes) {
                // A deleted ref has "new": null and only "old" says which ref it was.
                boolean deleted = !change.path("new").isObject();
                JsonNode state = deleted ? change.path("old") : change.path("new");
                String name = required(state, "name", "the branch or tag name in push.changes[].new");
                String prefix = switch (state.path("type").asText("")) {
                    case "branch", "named_branch" -> "refs/heads/";
                    case "tag", "annotated_tag" -> "refs/tags/";
                    default -> "refs/unknown/";
                };
                String sha = deleted ? null : sha(required(state.path("target"), "hash", "the commit sha in push.changes[].new.target"),
                        "push.changes[].new.target.hash");
                updates.add(new RefUpdate(prefix + name, sha));
            }
            action = new Action.Push(updates);
        } else if (event.startsWith("pullrequest:")) {
            action = bitbucketPullRequest(event, p);
        } else {
            action = new Action.Other();
        }
        return new ForgeEvent(Forge.BITBUCKET, event, delivery, urls, action);
    }

    /**
     * pullrequest:created and :updated open or update it; :fulfilled (merged) and :rejected (declined) close it. Bitbucket
     * sends the head commit abbreviated (12 hex digits); the clone resolves it.
     */
    private static Action bitbucketPullRequest(String event, JsonNode p) {
        boolean open = event.equals("pullrequest:created") || event.equals("pullrequest:updated");
        if (!open && !event.equals("pullrequest:fulfilled") && !event.equals("pullrequest:rejected")) {
            return new Action.Other();
        }
        JsonNode pr = p.path("pullrequest");
        int number = number(pr.path("id"), "pullrequest.id");
        String sha = null;
        if (open) {
            sha = required(pr.path("source").path("commit"), "hash", "the head commit in pullrequest.source.commit.hash");
            if (!ABBREVIATED_SHA.matcher(sha).matches()) {
                throw new InvalidInputException("payload field pullrequest.source.commit.hash: \"" + sha
                        + "\" (expected: a hex commit sha, at least 7 digits)");
            }
        }
        JsonNode head = pr.path("source").path("repository").path("links").path("html").path("href");
        return new Action.PullRequest(number, open, event.equals("pullrequest:fulfilled"), sha,
                head.isTextual() ? head.asText() : null, pr.path("source").path("branch").path("name").asText(null),
                pr.path("destination").path("branch").path("name").asText(null));
    }

    private static int number(JsonNode v, String field) {
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
            throw new InvalidInputException("payload field " + field + ": " + (v.isMissingNode() ? "missing" : v.toString())
                    + " (expected: the pull request's number, 1 or more)");
        }
        return v.asInt();
    }

    private static String header(HttpHeaders headers, String name, String expected) {
        String v = headers.get(name);
        if (v == null || v.isBlank()) {
            throw new InvalidInputException("header " + name + ": missing (expected: " + expected + ")");
        }
        if (v.length() > MAX_HEADER) {
            throw new InvalidInputException("header " + name + ": " + v.length() + " characters (expected: " + expected
                    + ", at most " + MAX_HEADER + " characters)");
        }
        return v.strip();
    }

    private static String required(JsonNode node, String field, String expected) {
        JsonNode v = node.path(field);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new InvalidInputException("payload field " + field + ": " + (v.isMissingNode() ? "missing" : v.toString())
                    + " (expected: " + expected + ")");
        }
        return v.asText();
    }

    private static String sha(String value, String field) {
        if (!SHA.matcher(value).matches()) {
            throw new InvalidInputException("payload field " + field + ": \"" + value + "\" (expected: a full hex commit sha)");
        }
        return value;
    }

    private static List<String> texts(JsonNode... nodes) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : nodes) {
            if (n.isTextual() && !n.asText().isBlank()) {
                out.add(n.asText());
            }
        }
        return out;
    }
}
