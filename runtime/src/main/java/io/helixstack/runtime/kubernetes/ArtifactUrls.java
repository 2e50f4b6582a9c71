package io.helixstack.runtime.kubernetes;

import io.helixstack.plugin.api.Artifact;
import java.net.URI;

/** Where a pod downloads an artifact (a {@code .tar.gz}) from: a signed, expiring URL of the control plane. */
@FunctionalInterface
public interface ArtifactUrls {
    URI urlFor(Artifact artifact);
}
