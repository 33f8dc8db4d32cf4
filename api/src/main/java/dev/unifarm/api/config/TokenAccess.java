package dev.unifarm.api.config;

/** What a token may do; written {@code read-write} / {@code read-only} in configuration. */
public enum TokenAccess {
    READ_WRITE, READ_ONLY
}
