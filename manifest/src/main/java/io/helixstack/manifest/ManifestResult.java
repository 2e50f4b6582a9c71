package io.helixstack.manifest;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** What parsing a manifest gives: a valid {@link Manifest}, or every problem found in it. */
public sealed interface ManifestResult {

    record Valid(Manifest manifest) implements ManifestResult {
        public Valid {
            Objects.requireNonNull(manifest, "manifest");
        }
    }

    /** At least one error, in the order they appear in the file. */
    record Invalid(List<ManifestError> errors) implements ManifestResult {
        public Invalid {
            errors = List.copyOf(errors);
            if (errors.isEmpty()) {
                throw new IllegalArgumentException("errors: empty (expected: at least one error)");
            }
        }

        /** One error per line, ready to print. */
        public String report() {
            return errors.stream().map(ManifestError::toString).collect(Collectors.joining("\n"));
        }
    }
}
