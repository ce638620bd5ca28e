package dev.coreset.jobs.ingest;

import java.io.IOException;

/** Streams the rows of one input file on the driver (IDX, CSV); never holds the file in memory. */
public interface RawSource extends AutoCloseable {
    /** The next row, or null at the end. */
    RawRow next() throws IOException;

    /** A short description for logs and the table's source column, e.g. the file name. */
    String name();

    @Override
    void close() throws IOException;
}
