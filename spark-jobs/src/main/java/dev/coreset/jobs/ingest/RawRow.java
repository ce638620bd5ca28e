package dev.coreset.jobs.ingest;

/** One sample as read from a source file, before ids, splits and noise are assigned. */
public record RawRow(long rowIndex, int label, float[] features) {
}
