package io.helixstack.build;

import io.helixstack.domain.InvalidInputException;
import io.helixstack.domain.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Uploaded sources, stored as {@code <uploadsDir>/<sha256 hex>.tar.gz} once accepted. The bytes are streamed to a temporary
 * file while hashed and counted, so an upload is never held in memory and an oversized one is cut off as soon as it
 * passes the limit. Nothing is kept from a rejected upload.
 */
final class UploadStore {
    private final Path uploadsDir;
    private final Path tmpDir;

    UploadStore(Path uploadsDir, Path tmpDir) {
        this.uploadsDir = uploadsDir;
        this.tmpDir = tmpDir;
    }

    /**
     * @param check looks at the unpacked source and throws {@link InvalidInputException} when no buildpack can build it
     */
    Source.Upload accept(InputStream tarGz, long maxBytes, Consumer<Path> check) throws IOException {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: > 0)");
        }
        Path file = Files.createTempFile(tmpDir, "upload-", ".tar.gz");
        Path unpacked = null;
        try {
            String hex = copyLimited(tarGz, file, maxBytes);
            unpacked = Files.createTempDirectory(tmpDir, "upload-");
            TarballReader.unpack(file, unpacked);
            check.accept(unpacked);
            Path stored = uploadsDir.resolve(hex + ".tar.gz");
            if (!Files.exists(stored)) {
                try {
                    Files.move(file, stored, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException sameBytes) {
                    // The same archive arrived twice at once: identical bytes, either copy will do.
                }
            }
            return new Source.Upload("sha256:" + hex);
        } finally {
            Files.deleteIfExists(file);
            FileTrees.deleteQuietly(unpacked);
        }
    }

    /** The stored archive of an upload digest. */
    Optional<Path> find(String digest) {
        String hex = Hashing.hexOf(digest);
        if (hex == null) {
            return Optional.empty();
        }
        Path stored = uploadsDir.resolve(hex + ".tar.gz");
        return Files.isRegularFile(stored) ? Optional.of(stored) : Optional.empty();
    }

    private static String copyLimited(InputStream in, Path file, long maxBytes) throws IOException {
        MessageDigest sha = Hashing.sha256();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw new UploadTooLargeException(maxBytes);
                }
                sha.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        return Hashing.hex(sha);
    }
}
