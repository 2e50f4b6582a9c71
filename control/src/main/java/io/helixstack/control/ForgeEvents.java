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
            case "pull_request" -> new Action.PullRequest();
            default -> new Action.Other();
        };
        return new ForgeEvent(Forge.GITHUB, event, delivery, urls, action);
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
            case "Merge Request Hook" -> new Action.PullRequest();
            default -> new Action.Other();
        };
        return new ForgeEvent(Forge.GITLAB, event, delivery, urls, action);
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
            action = new Action.PullRequest();
        } else {
            action = new Action.Other();
        }
        return new ForgeEvent(Forge.BITBUCKET, event, delivery, urls, action);
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
