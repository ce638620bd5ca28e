package dev.coreset.jobs.cli;

import dev.coreset.jobs.dedup.DedupJob;
import dev.coreset.jobs.io.AtomicTableWriter;
import dev.coreset.jobs.io.ResumeGuard;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "dedup", mixinStandardHelpOptions = true,
        description = {"Flag exact and near duplicates among the train rows' embeddings (SemDeDup), for select / cld --exclude.",
                "exact: equal vectors (hash, then equality). near: k-means of the normalized embeddings per class"
                        + " (--scope global: over all rows); inside a cluster, items in keep order; an item whose cosine"
                        + " similarity to an already kept item is >= 1 - epsilon is its duplicate.",
                "Exact copies are found on the embeddings, or with --samples on the samples' features or encoded"
                        + " image bytes (--exact-on).",
                "A cluster larger than --partition-size is cut into chunks and every pair of chunks is one task: memory"
                        + " per task stays bounded and no pair of the cluster is missed. Pairs in different clusters"
                        + " are not compared."})
public final class DedupCommand implements Callable<Integer> {
    @Option(names = "--scores", description = "Scores table with embeddings (coreset score --embedding ...); or pass --embeddings.")
    String scores;
    @Mixin
    EmbeddingsInput input;
    @Option(names = "--checkpoint", defaultValue = "last", description = "With --scores: last or a checkpoint number.")
    String checkpoint;
    @Option(names = "--epsilon", description = "Pairs with cosine similarity >= 1 - epsilon are duplicates; in (0, 1)"
            + " (default 0.01 unless --target-fraction).")
    Double epsilon;
    @Option(names = "--target-fraction", description = "Flag about this share of the rows instead: the epsilon is"
            + " derived (SemDeDup's rule; the kept-only rule may flag a little less; items tied at the cut go by a"
            + " seeded hash of their id, so identical embeddings do not overshoot). The summary prints the share reached.")
    Double targetFraction;
    @Option(names = "--keep", defaultValue = "easy", description = "Which item of a group stays: easy (nearest its"
            + " cluster's centre), hard (farthest), random, or score:COLUMN (highest value). Default ${DEFAULT-VALUE}.")
    String keep;
    @Option(names = "--scope", defaultValue = "class", description = "class (duplicates only within a class) or global."
            + " Default ${DEFAULT-VALUE}.")
    String scope;
    @Option(names = "--clusters", description = "k-means clusters per class (or in all, --scope global); default one"
            + " per --partition-size points.")
    Integer clusters;
    @Option(names = "--partition-size", defaultValue = "20000", description = "Points per chunk of a cluster: a task"
            + " holds at most two chunks (default ${DEFAULT-VALUE}).")
    int partitionSize;
    @Option(names = "--samples", description = "The samples table the embeddings were computed from (coreset ingest):"
            + " exact copies are then found on its raw content, the features vectors or the encoded image bytes,"
            + " joined by sample id.")
    String samples;
    @Option(names = "--exact-on", description = "What exact copies share: embedding (default without --samples),"
            + " features or image (the --samples table's column; default with --samples: the one it holds).")
    String exactOn;
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    @Option(names = "--out", required = true, description = "Output flags table (sample_id, label, kept_id, similarity,"
            + " cluster, kind).")
    String out;
    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;
    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        DedupJob.Options options = new DedupJob.Options(scores, input.table(), input.columns(), checkpoint, epsilon, targetFraction,
                keep, scope, clusters, partitionSize, seed, out, overwrite, samples, exactOn);
        DedupJob.checkOptions(options);
        SparkSession spark = sparkOptions.session();
        var conf = AtomicTableWriter.hadoopConf(spark);
        if (ResumeGuard.skipIfCurrent(DedupJob.STAGE.record(options, conf), overwrite, conf)) {
            return 0;
        }
        DedupJob.Summary s = new DedupJob(spark).run(options);
        System.out.printf(Locale.ROOT, "dedup: flagged %d of %d rows (%.2f%%%s): %d exact (on %s), %d near at"
                        + " epsilon %.6g; %d clusters (largest %d), %d pair tasks -> %s (%.1f s)%n",
                s.exact() + s.near(), s.rows(), 100.0 * s.fraction(), targetFraction == null ? ""
                        : String.format(Locale.ROOT, ", target %.2f%%", 100.0 * targetFraction),
                s.exact(), s.exactOn(), s.near(), s.epsilon(), s.clusters(), s.largestCluster(), s.tasks(), out,
                s.seconds());
        TextTable t = new TextTable("class", "rows", "exact", "near");
        s.perClass().forEach((label, v) -> t.row(label, v[0], v[1], v[2]));
        System.out.print(t);
        return 0;
    }
}
