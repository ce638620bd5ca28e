package dev.coreset.jobs.image;

import dev.coreset.jobs.ingest.RawRow;
import dev.coreset.jobs.ingest.RawSource;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The image files of one split of an {@link ImageFolder}, read one at a time on the driver: each row holds the
 * file's encoded bytes as they are (nothing is decoded here) and its path relative to the folder.
 */
public final class ImageFileSource implements RawSource {
    private final List<ImageFolder.Entry> entries;
    private final Configuration conf;
    private final String name;
    private int next;

    public ImageFileSource(List<ImageFolder.Entry> entries, Configuration conf, String name) {
        this.entries = entries;
        this.conf = conf;
        this.name = name;
    }

    @Override
    public RawRow next() throws IOException {
        if (next >= entries.size()) {
            return null;
        }
        ImageFolder.Entry e = entries.get(next);
        Path file = e.file();
        FileSystem fs = file.getFileSystem(conf);
        byte[] bytes;
        try (InputStream in = fs.open(file)) {
            bytes = in.readAllBytes();
        }
        return RawRow.image(next++, e.label(), bytes, e.relative());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
    }
}
