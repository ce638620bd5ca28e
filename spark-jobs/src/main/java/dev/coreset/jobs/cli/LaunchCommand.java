package dev.coreset.jobs.cli;

import dev.coreset.jobs.launch.LaunchPaths;
import dev.coreset.jobs.launch.TrainerProcess;
import dev.coreset.jobs.train.SamplesTableInfo;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.ManifestReader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Starts a user's own trainer on a manifest. The manifest is validated completely first (the same
 * {@link ManifestReader} a Java trainer uses), so a broken one is refused before the trainer starts.
 */
@Command(name = "launch", mixinStandardHelpOptions = true,
        description = {"Run your own trainer on a manifest: {manifest} and {samples} in its arguments become absolute"
                + " paths (also set as CORESET_MANIFEST / CORESET_SAMPLES); its output streams through and its exit"
                + " code is returned.",
                "Example: coreset launch --manifest m -- python train.py --manifest {manifest} --samples {samples}"})
public final class LaunchCommand implements Callable<Integer> {
    @Option(names = "--manifest", required = true, description = "Manifest directory; validated before the trainer starts.")
    String manifest;
    @Option(names = "--samples", description = "Samples table for {samples} (default: the source recorded in the manifest).")
    String samples;
    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The trainer and its arguments, after --.")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        ManifestReader reader = ManifestReader.open(manifest);
        reader.validate();
        String samplesPath = samplesPath(reader);
        // The directory the reader validated: a pointer-mode manifest's current version, which never changes.
        LaunchPaths paths = new LaunchPaths(LaunchPaths.absolute(reader.path().toString()), samplesPath);
        List<String> resolved = paths.substitute(command);
        Map<String, String> env = samplesPath == null ? Map.of("CORESET_MANIFEST", paths.manifest())
                : Map.of("CORESET_MANIFEST", paths.manifest(), "CORESET_SAMPLES", samplesPath);
        System.err.println("coreset launch: " + String.join(" ", resolved));
        System.out.flush();
        return TrainerProcess.run(resolved, env, System.out, System.err);
    }

    /** --samples (checked to be a samples table), else the manifest's recorded source, else null. */
    private String samplesPath(ManifestReader reader) {
        if (samples != null) {
            SamplesTableInfo.read(samples, new Configuration());
            return LaunchPaths.absolute(samples);
        }
        String recorded = reader.metadata().source == null ? null : reader.metadata().source.path;
        if (recorded == null && LaunchPaths.wantsSamples(command)) {
            throw new CoresetInputException(manifest + ": the command uses " + LaunchPaths.SAMPLES
                    + " but the manifest records no source table; pass --samples.");
        }
        return recorded == null ? null : LaunchPaths.absolute(recorded);
    }
}
