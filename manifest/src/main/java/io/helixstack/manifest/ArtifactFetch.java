package io.helixstack.manifest;

/**
 * How an artifact reaches containers without a registry: a one-shot container downloads the tarball
 * from the signed URL and unpacks it into a volume that the services mount at {@code /app}.
 */
final class ArtifactFetch {
    static final String IMAGE = "curlimages/curl:8.11.1";
    static final String VOLUME = "artifact";
    static final String MOUNT_PATH = "/app";
    static final String URL_VARIABLE = "ARTIFACT_URL";
    // Emptied first: a compose volume outlives a deployment, and stale files of the previous artifact must not stay.
    static final String SCRIPT = "find /app -mindepth 1 -delete && curl -fsSL --retry 3 \"$ARTIFACT_URL\" | tar -xzf - -C /app";

    private ArtifactFetch() {}
}
