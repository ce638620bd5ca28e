package dev.coreset.scoring;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-JVM cache of loaded models, keyed by (absolute path, kind, input shape, device, modification time of
 * the files). An executor loads each checkpoint once and every task thread reuses it; two threads asking
 * for the same model at once wait for a single load. Models from the cache must not be closed by callers
 * (their close() is a no-op); per-thread state lives in {@link ScoringModel.Session} / {@link BatchScorer}.
 * A model rewritten in place (new modification time) is loaded again; the stale copy is kept until
 * {@link #clear()} since a running task may still use it.
 */
public final class ModelCache {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
    private static final Map<String, CompletableFuture<ScoringModel>> MODELS = new ConcurrentHashMap<>();

    private static final List<CompletableFuture<ScoringModel>> STALE = new java.util.concurrent.CopyOnWriteArrayList<>();

    private ModelCache() {
    }

    public static ScoringModel get(Path checkpointDir, Device device) {
        return get(ModelRef.checkpoint(checkpointDir), device);
    }

    public static ScoringModel get(ModelRef ref, Device device) {
        String base = ref.kind() + "|" + ref.path() + "|" + ref.inputShape() + "|" + ref.numClasses() + "|" + device;
        String key = base + "|" + stamp(ref.localPath());
        CompletableFuture<ScoringModel> mine = new CompletableFuture<>();
        CompletableFuture<ScoringModel> existing = MODELS.putIfAbsent(key, mine);
        if (existing == null) {
            try {
                long t0 = System.nanoTime();
                ScoringModel m = ModelLoader.load(ref, device);
                m.setCloseAllowed(false);
                mine.complete(m);
                LOG.info("loaded {} {} on {} in {} ms", ref.kind(), ref.path(), device, (System.nanoTime() - t0) / 1_000_000);
                evictStale(base, key);
                return m;
            } catch (RuntimeException | Error e) {
                MODELS.remove(key, mine);
                mine.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return existing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + ref.path() + " to load", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException) {
                throw (RuntimeException) c;
            }
            throw new IllegalStateException(c);
        }
    }

    /** Number of cached models. */
    public static int size() {
        return MODELS.size();
    }

    /** Closes and forgets every cached model (tests; or an executor done with a run). */
    public static synchronized void clear() {
        List<CompletableFuture<ScoringModel>> all = new ArrayList<>(MODELS.values());
        all.addAll(STALE);
        MODELS.clear();
        STALE.clear();
        for (CompletableFuture<ScoringModel> f : all) {
            ScoringModel m = f.getNow(null);
            if (m != null) {
                m.closeFromCache();
            }
        }
    }

    private static void evictStale(String base, String currentKey) {
        for (Map.Entry<String, CompletableFuture<ScoringModel>> e : MODELS.entrySet()) {
            if (e.getKey().startsWith(base + "|") && !e.getKey().equals(currentKey) && e.getValue().isDone()) {
                // Not closed: a task may still score with it; it is freed with the JVM or by clear().
                if (MODELS.remove(e.getKey(), e.getValue())) {
                    LOG.info("{} changed on disk; later tasks use the reloaded copy", e.getKey());
                    STALE.add(e.getValue());
                }
            }
        }
    }

    /** Latest modification time of the path (and, for folders, the files directly in it). */
    private static long stamp(Path p) {
        try {
            if (!Files.exists(p)) {
                return -1;
            }
            long t = Files.getLastModifiedTime(p).toMillis();
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    for (Path q : (Iterable<Path>) s::iterator) {
                        t = Math.max(t, Files.getLastModifiedTime(q).toMillis());
                    }
                }
            }
            return t;
        } catch (IOException e) {
            return -1;
        }
    }
}
