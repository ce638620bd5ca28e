package dev.coreset.jobs.cli;

import dev.coreset.jobs.demo.DemoFolder;
import dev.coreset.jobs.demo.DemoLayout;
import dev.coreset.jobs.demo.DemoPlan;
import dev.coreset.jobs.demo.DemoReport;
import dev.coreset.jobs.demo.DemoResults;
import dev.coreset.jobs.demo.DemoRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The whole pipeline on a real dataset in one command: ingest (clean, uniform and pair label noise),",
                "proxy training, scoring, selection with every method and size, training on each coreset (for the full",
                "run's optimizer steps; its accuracy at the full run's epochs is read on the way) and on the full data,",
                "then a table and an HTML report (both protocols, accuracy against steps, class histograms, time per",
                "stage, noise flags).",
                "Finished stages are reused on a re-run when their inputs and settings are the same (--fresh: none)."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "demo-out", description = "Folder for everything the demo writes (default ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--quick", description = "A smoke run of every stage: a slice of the data, one size, one seed, short training (a few minutes).")
    boolean quick;
    @Option(names = "--fresh", description = "Delete the folder's earlier demo outputs first instead of reusing them.")
    boolean fresh;
    @Option(names = "--dataset", defaultValue = "idx:/usr/share/datasets/fashion-mnist",
            description = "idx:DIR (train/t10k IDX files) or csv:FILE (label in the last column) (default ${DEFAULT-VALUE}).")
    String dataset;
    @Option(names = "--test-fraction", defaultValue = "0.2", description = "csv datasets: share of each class held out as the test split.")
    double testFraction;
    @Option(names = "--noise", split = ",", description = "Label-noise settings: RATE (uniform flips), pair:RATE (class c"
            + " to c + 1) (default 0,0.3,pair:0.3; --quick 0,0.3).")
    List<String> noise;
    @Option(names = "--methods", split = ",", description = "Selection methods (default random, random-filtered,"
            + " facility-location, facility-location-filtered, cld, ccs, dual, dual-e8, dual-e16, d2; also el2n,"
            + " facility-location-posterior,"
            + " kcenter; --quick: all).")
    List<String> methods;
    @Option(names = "--fractions", split = ",", description = "Coreset sizes as a share of each class (default 0.1,0.3; --quick 0.1).")
    List<Double> fractions;
    @Option(names = "--seeds", description = "Training seeds per cell (default 3; --quick 1).")
    Integer seeds;
    @Option(names = "--limit", description = "Read only the first N rows of each input file (default all; --quick 6000).")
    Long limit;
    @Option(names = "--proxy-epochs", description = "Epochs of the proxy model that produces the scores.")
    Integer proxyEpochs;
    @Option(names = "--train-epochs", description = "Epochs of the full-data runs (default 6); coresets train as many"
            + " optimizer steps, and their equal-epochs accuracy is read at this epoch.")
    Integer trainEpochs;
    @Option(names = "--duplicates", description = "Inject this share of the train split as copies (a third exact, the"
            + " rest shifted by one pixel with a little noise), run coreset dedup on the scores, and give every coreset"
            + " the same size per class; compare e.g. --methods random,random-dedup,dual,dual-dedup (default 0: none).")
    Double duplicates;
    @Option(names = "--dedup-on", description = "With --duplicates: what dedup compares, scores (the proxy's"
            + " logits-grad embeddings, default) or pixels (the train rows' features).")
    String dedupOn;
    @Mixin
    SparkOptions sparkOptions;

    @Override
    public Integer call() {
        DemoPlan plan = quick ? DemoPlan.quick(dataset, testFraction) : DemoPlan.standard(dataset, testFraction);
        plan = plan.with(noise, methods, fractions, seeds, limit, proxyEpochs, trainEpochs, duplicates, dedupOn);
        DemoLayout layout = new DemoLayout(out.toAbsolutePath().normalize());
        DemoFolder.prepare(layout, plan, fresh);
        System.err.println("demo: " + plan.describe() + " -> " + layout.root());
        DemoResults results = new DemoRunner(sparkOptions.session(), plan, layout, System.err::println).run();
        DemoReport report = new DemoReport(results);
        report.write(layout);
        System.out.print(report.text());
        System.out.println("report: " + layout.report());
        return 0;
    }
}
