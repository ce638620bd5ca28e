package dev.coreset.jobs.demo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * What a stage output depends on, as a readable string: its own parameters plus the keys of the stages it
 * reads. Two outputs with the same key were made from the same inputs with the same settings.
 */
public final class StageKey {
    private final StringBuilder text;

    private StageKey(String stage) {
        this.text = new StringBuilder(stage);
    }

    public static StageKey of(String stage) {
        return new StageKey(stage);
    }

    public StageKey with(String name, Object value) {
        text.append(' ').append(name).append('=').append(value instanceof Double d
                ? String.format(Locale.ROOT, "%s", d) : String.valueOf(value));
        return this;
    }

    /** Depends on another stage's output: its key enters as a short digest. */
    public StageKey after(String upstreamKey) {
        text.append(" <").append(digest(upstreamKey)).append('>');
        return this;
    }

    @Override
    public String toString() {
        return text.toString();
    }

    static String digest(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
