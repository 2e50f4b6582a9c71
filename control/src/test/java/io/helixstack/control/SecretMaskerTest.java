package io.helixstack.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SecretMaskerTest {
    final SecretMasker masker = new SecretMasker();
    final UUID dep = UUID.randomUUID();

    @Test
    void masksEveryOccurrenceLongestFirst() {
        masker.protect(dep, List.of("s3cret-value", "s3cret-value-longer", "1", "true"));
        assertThat(masker.mask(dep, "a=s3cret-value-longer b=s3cret-value c=1 d=true"))
                .isEqualTo("a=" + SecretMasker.MASK + " b=" + SecretMasker.MASK + " c=1 d=true");
    }

    @Test
    void leavesOtherDeploymentsAndShortValuesAlone() {
        masker.protect(dep, List.of("abc"));
        assertThat(masker.mask(dep, "abc")).isEqualTo("abc");
        masker.protect(dep, List.of("abcdefgh"));
        assertThat(masker.mask(UUID.randomUUID(), "abcdefgh")).isEqualTo("abcdefgh");
    }
}
