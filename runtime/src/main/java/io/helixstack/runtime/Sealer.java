package io.helixstack.runtime;

/**
 * Seals what the runtime keeps on disk about an instance so that a runtime started again can take it over: its launch
 * holds the app's environment, secrets included, which must never rest in plain text. The platform passes its secret
 * box; a sealed record that no longer opens (another key) is treated as lost.
 */
public interface Sealer {
    byte[] seal(String plaintext);

    /** @throws RuntimeException when {@code sealed} was sealed with another key or is damaged */
    String open(byte[] sealed);

    /** A sealer of two functions, e.g. a secret box's {@code seal} and {@code open}. */
    static Sealer of(java.util.function.Function<String, byte[]> seal, java.util.function.Function<byte[], String> open) {
        java.util.Objects.requireNonNull(seal, "seal");
        java.util.Objects.requireNonNull(open, "open");
        return new Sealer() {
            @Override
            public byte[] seal(String plaintext) {
                return seal.apply(plaintext);
            }

            @Override
            public String open(byte[] sealed) {
                return open.apply(sealed);
            }
        };
    }
}
