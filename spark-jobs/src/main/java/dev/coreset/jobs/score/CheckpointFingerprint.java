package dev.coreset.jobs.score;

import dev.coreset.scoring.ModelRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * SHA-256 of the checkpoint files a scoring run uses (each folder's files by relative name, then their bytes), so
 * an incremental run can prove it scores with the very weights the previous run used, wherever they were copied.
 */
public final class CheckpointFingerprint {
    private CheckpointFingerprint() {
    }

    public static String of(List<ModelRef> refs) {
        MessageDigest sha = sha256();
        byte[] buf = new byte[1 << 16];
        for (ModelRef ref : refs) {
            Path root = ref.localPath();
            for (Path f : files(root)) {
                sha.update((root.getFileName() + "/" + root.relativize(f)).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                try (InputStream in = Files.newInputStream(f)) {
                    for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
                        sha.update(buf, 0, r);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static List<Path> files(Path root) {
        if (Files.isRegularFile(root)) {
            return List.of(root);
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
