package io.helixstack.control;

/**
 * Webhook payloads shaped like each forge's documented examples (GitHub's push/ping/pull_request, GitLab's Push Hook and
 * Merge Request Hook, Bitbucket Cloud's repo:push and pullrequest:created), with the repository URL, ref and sha filled
 * in. Fields HelixStack does not read are kept, so a parser that trips over extra fields fails here.
 */
final class ForgePayloads {
    static final String ZERO_SHA = "0000000000000000000000000000000000000000";

    private ForgePayloads() {
    }

    static String githubPush(String url, String ref, String before, String after, boolean deleted) {
        return """
                {
                  "ref": "%2$s",
                  "before": "%3$s",
                  "after": "%4$s",
                  "repository": {
                    "id": 186853002,
                    "node_id": "MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=",
                    "name": "Hello-World",
                    "full_name": "Codertocat/Hello-World",
                    "private": false,
                    "owner": {"name": "Codertocat", "email": "21031067+Codertocat@users.noreply.github.com", "login": "Codertocat",
                              "id": 21031067, "type": "User", "site_admin": false},
                    "html_url": "%1$s",
                    "description": null,
                    "fork": false,
                    "url": "https://github.com/Codertocat/Hello-World",
                    "created_at": 1557933565,
                    "updated_at": "2019-05-15T15:20:41Z",
                    "pushed_at": 1557933657,
                    "git_url": "git://github.com/Codertocat/Hello-World.git",
                    "ssh_url": "git@github.com:Codertocat/Hello-World.git",
                    "clone_url": "%1$s",
                    "default_branch": "main"
                  },
                  "pusher": {"name": "Codertocat", "email": "21031067+Codertocat@users.noreply.github.com"},
                  "sender": {"login": "Codertocat", "id": 21031067, "type": "User", "site_admin": false},
                  "created": false,
                  "deleted": %5$s,
                  "forced": false,
                  "base_ref": null,
                  "compare": "https://github.com/Codertocat/Hello-World/compare/6113728f27ae...000000000000",
                  "commits": [],
                  "head_commit": null
                }
                """.formatted(url, ref, before, after, deleted);
    }

    static String githubPing(String url) {
        return """
                {
                  "zen": "Keep it logically awesome.",
                  "hook_id": 109948940,
                  "hook": {"type": "Repository", "id": 109948940, "name": "web", "active": true, "events": ["push", "pull_request"],
                           "config": {"content_type": "json", "insecure_ssl": "0", "url": "https://helix.example.com/webhooks/github"}},
                  "repository": {"id": 186853002, "name": "Hello-World", "full_name": "Codertocat/Hello-World",
                                 "html_url": "%1$s", "clone_url": "%1$s"},
                  "sender": {"login": "Codertocat", "id": 21031067}
                }
                """.formatted(url);
    }

    static String githubPullRequest(String url, String headSha) {
        return githubPullRequest(url, "opened", 2, headSha, false);
    }

    /** GitHub's pull_request event: action opened, synchronize, reopened or closed ({@code merged} says which close). */
    static String githubPullRequest(String url, String action, int number, String headSha, boolean merged) {
        return """
                {
                  "action": "%3$s",
                  "number": %4$d,
                  "pull_request": {"number": %4$d, "state": "%5$s", "title": "Update the README with new information.",
                                   "merged": %6$s,
                                   "head": {"ref": "changes", "sha": "%2$s", "repo": {"clone_url": "%1$s"}},
                                   "base": {"ref": "main", "repo": {"clone_url": "%1$s"}}},
                  "repository": {"id": 186853002, "name": "Hello-World", "full_name": "Codertocat/Hello-World",
                                 "html_url": "%1$s", "clone_url": "%1$s"},
                  "sender": {"login": "Codertocat", "id": 21031067}
                }
                """.formatted(url, headSha, action, number, action.equals("closed") ? "closed" : "open", merged);
    }

    static String gitlabPush(String url, String ref, String before, String after) {
        String checkout = after.equals(ZERO_SHA) ? "null" : "\"" + after + "\"";
        return """
                {
                  "object_kind": "push",
                  "event_name": "push",
                  "before": "%3$s",
                  "after": "%4$s",
                  "ref": "%2$s",
                  "ref_protected": true,
                  "checkout_sha": %5$s,
                  "message": "Hello World",
                  "user_id": 4,
                  "user_name": "John Smith",
                  "user_username": "jsmith",
                  "user_email": "john@example.com",
                  "user_avatar": "https://s.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=8://s.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=80",
                  "project_id": 15,
                  "project": {
                    "id": 15,
                    "name": "Diaspora",
                    "description": "",
                    "web_url": "%1$s",
                    "avatar_url": null,
                    "git_ssh_url": "git@example.com:mike/diaspora.git",
                    "git_http_url": "%1$s",
                    "namespace": "Mike",
                    "visibility_level": 0,
                    "path_with_namespace": "mike/diaspora",
                    "default_branch": "master",
                    "ci_config_path": null
                  },
                  "commits": [],
                  "total_commits_count": 0,
                  "push_options": {},
                  "repository": {
                    "name": "Diaspora",
                    "url": "git@example.com:mike/diaspora.git",
                    "description": "",
                    "homepage": "%1$s",
                    "git_http_url": "%1$s",
                    "git_ssh_url": "git@example.com:mike/diaspora.git",
                    "visibility_level": 0
                  }
                }
                """.formatted(url, ref, before, after, checkout);
    }

    static String gitlabMergeRequest(String url, String lastCommit) {
        return gitlabMergeRequest(url, "open", 1, lastCommit, "master");
    }

    /** GitLab's Merge Request Hook: object_attributes.action open, update, reopen, merge or close. */
    static String gitlabMergeRequest(String url, String action, int iid, String lastCommit, String target) {
        return """
                {
                  "object_kind": "merge_request",
                  "event_type": "merge_request",
                  "user": {"id": 1, "name": "Administrator", "username": "root"},
                  "project": {"id": 1, "name": "Gitlab Test", "web_url": "%1$s", "git_http_url": "%1$s",
                              "git_ssh_url": "git@example.com:gitlabhq/gitlab-test.git", "default_branch": "master"},
                  "object_attributes": {"id": 99, "iid": %4$d, "target_branch": "%5$s", "source_branch": "ms-viewport",
                                        "state": "opened", "action": "%3$s", "last_commit": {"id": "%2$s"},
                                        "source": {"git_http_url": "%1$s"}, "target": {"git_http_url": "%1$s"}},
                  "repository": {"name": "Gitlab Test", "url": "%1$s", "homepage": "%1$s"}
                }
                """.formatted(url, lastCommit, action, iid, target);
    }

    /** One change per branch; {@code sha == null} is a deleted branch ({@code "new": null}). */
    static String bitbucketPush(String url, String branch, String sha) {
        String next = sha == null ? "null" : """
                {
                  "type": "branch",
                  "name": "%s",
                  "target": {
                    "type": "commit",
                    "hash": "%s",
                    "author": {"type": "author", "raw": "Emma <emma@example.com>"},
                    "message": "Update README\\n",
                    "date": "2024-05-03T09:25:37+00:00",
                    "parents": [],
                    "links": {"html": {"href": "https://bitbucket.org/team/repo/commits/%2$s"}}
                  },
                  "links": {"html": {"href": "https://bitbucket.org/team/repo/branch/%1$s"}},
                  "default_merge_strategy": "merge_commit",
                  "merge_strategies": ["merge_commit", "squash", "fast_forward"]
                }""".formatted(branch, sha);
        return """
                {
                  "push": {
                    "changes": [
                      {
                        "old": {"type": "branch", "name": "%2$s", "target": {"type": "commit", "hash": "1e65c05c1d5171631d92438a13901ca7dae9618c"}},
                        "new": %3$s,
                        "truncated": false,
                        "created": false,
                        "forced": false,
                        "closed": %4$s,
                        "links": {},
                        "commits": []
                      }
                    ]
                  },
                  "repository": {
                    "type": "repository",
                    "full_name": "team/repo",
                    "links": {
                      "self": {"href": "https://api.bitbucket.org/2.0/repositories/team/repo"},
                      "html": {"href": "%1$s"},
                      "avatar": {"href": "https://bytebucket.org/ravatar/%%7B0a6f%%7D?ts=default"}
                    },
                    "name": "repo",
                    "scm": "git",
                    "website": null,
                    "owner": {"display_name": "Team", "type": "team", "uuid": "{0a6f4a2c-0000-0000-0000-000000000000}", "username": "team"},
                    "is_private": true,
                    "uuid": "{8b7d3c1e-0000-0000-0000-000000000000}"
                  },
                  "actor": {"display_name": "Emma", "type": "user", "uuid": "{d301aafa-0000-0000-0000-000000000000}", "nickname": "emma"}
                }
                """.formatted(url, branch, next, sha == null);
    }

    static String bitbucketPullRequest(String url, String sourceSha) {
        return bitbucketPullRequest(url, 1, sourceSha);
    }

    /** Bitbucket Cloud's pullrequest:* payload; the event (created, updated, fulfilled, rejected) is the X-Event-Key. */
    static String bitbucketPullRequest(String url, int id, String sourceSha) {
        return """
                {
                  "pullrequest": {"id": %3$d, "title": "Add feature", "state": "OPEN",
                                  "source": {"branch": {"name": "feature"}, "commit": {"hash": "%2$s"}},
                                  "destination": {"branch": {"name": "main"}}},
                  "repository": {"type": "repository", "full_name": "team/repo", "links": {"html": {"href": "%1$s"}}, "name": "repo"},
                  "actor": {"display_name": "Emma", "type": "user"}
                }
                """.formatted(url, sourceSha, id);
    }
}
