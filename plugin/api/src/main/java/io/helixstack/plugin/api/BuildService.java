package io.helixstack.plugin.api;

import io.helixstack.domain.Source;
import java.io.InputStream;
import java.util.Optional;

/** The build plane as the control plane sees it. */
public interface BuildService {
    /**
     * Stores an uploaded {@code .tar.gz} source after checking it: no entry may escape the archive ({@code ..}, absolute
     * paths, links pointing outside), the size stays within {@code maxBytes}, and some buildpack detects it.
     *
     * @throws io.helixstack.domain.InvalidInputException saying what was wrong; nothing is kept then
     */
    Source.Upload acceptUpload(InputStream tarGz, long maxBytes);

    /** Builds synchronously; the log receives every line as it is produced. */
    BuildOutcome build(BuildRequest request);

    /** An artifact built earlier, by digest ({@code sha256:<hex>}). */
    Optional<Artifact> artifact(String digest);
}
