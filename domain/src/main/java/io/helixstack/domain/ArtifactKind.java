package io.helixstack.domain;

/** What an artifact holds: files the proxy serves itself, or a program that runs as instances. */
public enum ArtifactKind {
    STATIC, SERVER
}
