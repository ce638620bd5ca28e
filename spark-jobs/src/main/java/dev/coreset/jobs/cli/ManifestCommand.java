package dev.coreset.jobs.cli;

import dev.coreset.jobs.io.DriverHadoopConf;
import dev.coreset.schemas.AtomicPublisher;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.ManifestReader;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Looks at manifests without Spark: the same {@link ManifestReader} a downstream trainer uses. */
@Command(name = "manifest", mixinStandardHelpOptions = true, description = "Inspect, validate or recover a coreset manifest.",
        subcommands = {ManifestCommand.Inspect.class, ManifestCommand.Validate.class, ManifestCommand.Recover.class})
public final class ManifestCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.err);
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true, description = "Print a manifest's metadata and class counts.")
    static final class Inspect implements Callable<Integer> {
        @Parameters(paramLabel = "DIR")
        String dir;

        @Override
        public Integer call() throws Exception {
            ManifestReader reader = ManifestReader.open(new Path(dir), DriverHadoopConf.create());
            System.out.println(Json.MAPPER.writeValueAsString(reader.metadata()));
            TextTable table = new TextTable("class", "selected");
            reader.metadata().budget.perClass.forEach(table::row);
            System.out.print(table);
            return 0;
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check a manifest completely: markers, format version, schema, every row. Exit 2 on any problem.")
    static final class Validate implements Callable<Integer> {
        @Parameters(paramLabel = "DIR")
        String dir;

        @Override
        public Integer call() {
            ManifestReader reader = ManifestReader.open(new Path(dir), DriverHadoopConf.create());
            ManifestReader.Summary s = reader.validate();
            System.out.printf(Locale.ROOT, "%s: valid manifest, %d rows, %d classes, weight sum %.1f, method %s%n",
                    dir, s.rows(), s.classes(), s.weightSum(), reader.metadata().method);
            return 0;
        }
    }

    @Command(name = "recover", mixinStandardHelpOptions = true,
            description = {"Put back the manifest (or any output) at DIR that a run killed while publishing had moved aside.",
                    "Commands that write DIR do this themselves first; this is for readers in between."})
    static final class Recover implements Callable<Integer> {
        @Parameters(paramLabel = "DIR")
        String dir;

        @Override
        public Integer call() throws Exception {
            Path target = new Path(dir);
            Configuration conf = DriverHadoopConf.create();
            AtomicPublisher publisher = new AtomicPublisher(conf);
            boolean existed = target.getFileSystem(conf).exists(target);
            int backups = publisher.backupsOf(target).length;
            publisher.recover(target);
            System.out.println(dir + ": " + (backups == 0 ? "nothing to recover"
                    : existed ? "in place; removed " + backups + " stale backup(s)" : "restored from its backup"));
            return 0;
        }
    }
}
