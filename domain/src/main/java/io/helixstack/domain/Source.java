package io.helixstack.domain;

import java.util.Objects;

/** What a build starts from. */
public sealed interface Source {

    /** A tarball uploaded by the CLI or API, named by the sha256 of its bytes. */
    record Upload(String digest) implements Source {
        public Upload {
            Objects.requireNonNull(digest, "digest");
        }
    }

    /** A git repository at a ref; {@code sha} is the exact commit once resolved (null before the clone). */
    record Git(String url, String ref, String sha) implements Source {
        public Git {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(ref, "ref");
        }
    }

    /** One line for humans: {@code upload sha256:ab12…} or {@code https://…@main (3f2a1b9)}. */
    default String describe() {
        return switch (this) {
            case Upload u -> "upload " + u.digest().substring(0, Math.min(19, u.digest().length()));
            case Git g -> g.url() + "@" + g.ref() + (g.sha() == null ? "" : " (" + g.sha().substring(0, Math.min(7, g.sha().length())) + ")");
        };
    }
}
