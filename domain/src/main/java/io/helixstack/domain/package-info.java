/**
 * The HelixStack vocabulary: ids, values, the deployment lifecycle and the sealed {@link io.helixstack.domain.Event} catalogue. No I/O.
 * Starting points: {@link io.helixstack.domain.Event}, {@link io.helixstack.domain.DeploymentState},
 * {@link io.helixstack.domain.AppName}, {@link io.helixstack.domain.ArtifactMetadata}.
 */
package io.helixstack.domain;
