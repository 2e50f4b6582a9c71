/**
 * {@code helix.yaml} (the seed's Heliosfile): parse and validate it with every error located, publish its JSON Schema,
 * and translate it to docker-compose and Kubernetes. Starting points: {@link io.helixstack.manifest.ManifestParser}
 * (and {@link io.helixstack.manifest.ManifestLocator}) giving a {@link io.helixstack.manifest.Manifest};
 * {@link io.helixstack.manifest.ComposeTranslator} and {@link io.helixstack.manifest.KubernetesTranslator} with a
 * {@link io.helixstack.manifest.TranslationContext}; {@link io.helixstack.manifest.ManifestSchema#json()}.
 */
package io.helixstack.manifest;
