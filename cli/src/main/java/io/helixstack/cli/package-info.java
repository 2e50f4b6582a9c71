/**
 * The {@code helix} command: runs the server ({@code up}) and drives the HTTP API of {@code docs/api.md}.
 * Starting points: {@link io.helixstack.cli.HelixCli} (subcommands, exit codes, one-line errors),
 * {@link io.helixstack.cli.ApiClient} (HTTP, problem+json) with {@link io.helixstack.cli.CliConfig} (address and token),
 * {@link io.helixstack.cli.DeployCommand} with {@link io.helixstack.cli.SourcePacker} (.gitignore-aware tarball).
 */
package io.helixstack.cli;
