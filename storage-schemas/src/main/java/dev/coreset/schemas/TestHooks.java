package dev.coreset.schemas;

/**
 * Test-only fault injection for the publication path: off unless a test sets the system property. Never set
 * it in production; it exists so a test can SIGKILL a real run at a known point of writing an output.
 *
 * <p>{@code -Dcoreset.test.pauseAt=POINT}: when a publication reaches POINT, the JVM prints
 * {@code coreset-test-paused POINT PATH} on stderr and sleeps until it is killed. Points, in order:
 * {@value #STAGED_DATA} (Parquet rows written to the staging directory, no side files, no _SUCCESS),
 * {@value #BEFORE_PUBLISH} (staging directory complete with _SUCCESS, not yet renamed) and
 * {@value #BETWEEN_RENAMES} (the previous output moved aside, the new one not yet in its place); in pointer mode
 * {@value #AFTER_POINTER} (the pointer names the new version; its owner record and older versions not yet removed).
 *
 * <p>{@code -Dcoreset.test.outOfMemoryAt=POINT}: a Spark task that reaches POINT throws an OutOfMemoryError, as a
 * task whose data does not fit the heap would; in local mode Spark's handler then ends the JVM (exit 52). Points:
 * {@value #DEDUP_PAIRS} (a pair task of coreset dedup).
 */
public final class TestHooks {
    public static final String PAUSE_AT = "coreset.test.pauseAt";
    public static final String STAGED_DATA = "staged-data";
    public static final String BEFORE_PUBLISH = "before-publish";
    public static final String BETWEEN_RENAMES = "between-renames";
    public static final String AFTER_POINTER = "after-pointer";
    public static final String PAUSED = "coreset-test-paused";
    public static final String OUT_OF_MEMORY_AT = "coreset.test.outOfMemoryAt";
    public static final String DEDUP_PAIRS = "dedup-pairs";

    private TestHooks() {
    }

    /** Stops here for good when the test property names this point; returns at once otherwise. */
    public static void pauseAt(String point, Object where) {
        if (!point.equals(System.getProperty(PAUSE_AT))) {
            return;
        }
        System.err.println(PAUSED + " " + point + " " + where);
        System.err.flush();
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // keep waiting: the test ends this JVM with SIGKILL
            }
        }
    }

    /** Throws an OutOfMemoryError here when the test property names this point; returns at once otherwise. */
    public static void outOfMemoryAt(String point) {
        if (point.equals(System.getProperty(OUT_OF_MEMORY_AT))) {
            throw new OutOfMemoryError("Java heap space (" + OUT_OF_MEMORY_AT + "=" + point + ")");
        }
    }
}
