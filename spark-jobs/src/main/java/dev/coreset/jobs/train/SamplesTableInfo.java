package dev.coreset.jobs.train;

import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.TableInfo;
import dev.coreset.schemas.Tables;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** Reads the class count and feature dimension that ingest recorded beside a samples table. */
public record SamplesTableInfo(int classes, int featureDim) {

    public static SamplesTableInfo read(String samples, Configuration conf) {
        Path file = new Path(samples, TableInfo.FILE_NAME);
        TableInfo info;
        try {
            if (!file.getFileSystem(conf).exists(file)) {
                throw new CoresetInputException(samples + ": no " + TableInfo.FILE_NAME
                        + "; point --samples to a table written by `coreset ingest`.");
            }
            info = Json.read(file, TableInfo.class, conf);
        } catch (IOException e) {
            throw new CoresetInputException(file + ": unreadable (" + e.getMessage() + "); re-run ingest.", e);
        }
        if (!Tables.SAMPLES.name().equals(info.table)) {
            throw new CoresetInputException(samples + ": this is a '" + info.table + "' table, not samples; pass the ingest output.");
        }
        if (info.formatVersion != Tables.SAMPLES.formatVersion()) {
            throw new CoresetInputException(samples + ": samples format version " + info.formatVersion
                    + " is unknown (this coreset reads " + Tables.SAMPLES.formatVersion() + "); re-run ingest.");
        }
        Object classes = info.summary.get("classes");
        Object dim = info.summary.get("featureDim");
        if (classes == null || dim == null) {
            throw new CoresetInputException(file + ": no classes/featureDim summary; re-run ingest.");
        }
        return new SamplesTableInfo(((Number) classes).intValue(), ((Number) dim).intValue());
    }
}
