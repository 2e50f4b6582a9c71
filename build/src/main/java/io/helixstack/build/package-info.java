/**
 * The build plane: turns a source (an uploaded tarball or a git commit) into an immutable, content-addressed artifact.
 * Starting points: {@link io.helixstack.build.LocalBuildService} (the {@code BuildService}, root directory layout),
 * {@link io.helixstack.build.NodeBuildpack} and {@link io.helixstack.build.StaticBuildpack} (the buildpacks, in that order),
 * {@link io.helixstack.build.ProcessCommandRunner} (how build commands run) and {@code TreeDigest} (how a digest is computed).
 */
package io.helixstack.build;
