package io.helixstack.control;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.helixstack.domain.InvalidInputException;
import io.helixstack.store.SshKeyRepository;
import java.security.PublicKey;
import java.time.Instant;
import java.util.UUID;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/** Public keys of the team that may {@code git push} over SSH. */
@Blocking
final class SshKeysApi {
    record KeyRequest(String name, String publicKey) {
    }

    record KeyView(UUID id, String name, String fingerprint, String publicKey, Instant createdAt, Instant lastUsedAt) {
        static KeyView of(SshKeyRepository.SshKey k) {
            return new KeyView(k.id(), k.name(), k.fingerprint(), k.publicKey(), k.createdAt(), k.lastUsedAt());
        }
    }

    private final ApiContext api;

    SshKeysApi(ApiContext api) {
        this.api = api;
    }

    @Post("/ssh-keys")
    public HttpResponse add(String body) {
        KeyRequest req = ApiJson.read(body, KeyRequest.class, "{\"name\":\"laptop\",\"public_key\":\"ssh-ed25519 AAAA… you@laptop\"}");
        String line = req.publicKey() == null ? "" : req.publicKey().strip();
        PublicKey key = parse(line);
        String comment = line.split("\\s+").length > 2 ? line.split("\\s+", 3)[2] : null;
        String name = req.name() != null && !req.name().isBlank() ? req.name().strip() : comment != null ? comment : "key";
        if (name.length() > 100) {
            throw new InvalidInputException("name: " + name.length() + " characters (expected: at most 100)");
        }
        SshKeyRepository.SshKey stored = api.store.sshKeys().add(api.team(), name, line, KeyUtils.getFingerPrint(key));
        return ApiJson.of(HttpStatus.CREATED, KeyView.of(stored));
    }

    @Get("/ssh-keys")
    public HttpResponse list() {
        return ApiJson.ok(api.store.sshKeys().ofTeam(api.team()).stream().map(KeyView::of).toList());
    }

    @Delete("/ssh-keys/{id}")
    public HttpResponse delete(@Param("id") String id) {
        UUID keyId;
        try {
            keyId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("ssh key id: \"" + id + "\" (expected: the id it was added with)");
        }
        if (!api.store.sshKeys().delete(api.team(), keyId)) {
            throw new NotFoundException("ssh key " + id + " not found");
        }
        return HttpResponse.of(HttpStatus.NO_CONTENT);
    }

    /** An OpenSSH public key line, as in {@code ~/.ssh/id_ed25519.pub}. */
    static PublicKey parse(String line) {
        String expected = "(expected: an OpenSSH public key line like the contents of ~/.ssh/id_ed25519.pub)";
        if (line.isEmpty() || line.length() > 16_384) {
            throw new InvalidInputException("public_key: " + (line.isEmpty() ? "missing " : "too long ") + expected);
        }
        if (line.contains("PRIVATE KEY")) {
            throw new InvalidInputException("public_key: this is a private key; never send it anywhere " + expected);
        }
        try {
            PublicKey key = AuthorizedKeyEntry.parseAuthorizedKeyEntry(line).resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
            if (key == null) {
                throw new InvalidInputException("public_key: unreadable " + expected);
            }
            return key;
        } catch (InvalidInputException e) {
            throw e;
        } catch (Exception e) {
            throw new InvalidInputException("public_key: unreadable (" + e.getMessage() + ") " + expected);
        }
    }
}
