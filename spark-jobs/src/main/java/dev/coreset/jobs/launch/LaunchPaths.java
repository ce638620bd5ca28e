package dev.coreset.jobs.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The paths a launched trainer receives: {@value #MANIFEST} and {@value #SAMPLES} in any argument (also inside
 * a longer one, e.g. {@code --data={samples}}) become absolute paths, so the trainer may change its working
 * directory. URIs with a scheme ({@code hdfs://...}, {@code s3a://...}) are passed as given.
 */
public record LaunchPaths(String manifest, String samples) {
    public static final String MANIFEST = "{manifest}";
    public static final String SAMPLES = "{samples}";
    private static final Pattern URI = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");

    /** An absolute, normalised local path, or the URI unchanged. */
    public static String absolute(String path) {
        if (URI.matcher(path).matches()) {
            return path;
        }
        return Path.of(path).toAbsolutePath().normalize().toString();
    }

    /** True when some argument asks for the samples path. */
    public static boolean wantsSamples(List<String> args) {
        return args.stream().anyMatch(a -> a.contains(SAMPLES));
    }

    /** The arguments with both placeholders replaced; {@code samples} may be null only if no argument uses it. */
    public List<String> substitute(List<String> args) {
        List<String> out = new ArrayList<>(args.size());
        for (String a : args) {
            String s = a.replace(MANIFEST, manifest);
            if (samples != null) {
                s = s.replace(SAMPLES, samples);
            }
            out.add(s);
        }
        return out;
    }
}
