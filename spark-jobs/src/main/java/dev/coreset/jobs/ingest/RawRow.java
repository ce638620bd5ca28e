package dev.coreset.jobs.ingest;

/**
 * One sample as read from a source file, before ids, splits and noise are assigned: its features, or (image
 * folders) its encoded image bytes and the file's relative path, which becomes its source.
 */
public record RawRow(long rowIndex, int label, float[] features, byte[] image, String source) {

    public RawRow(long rowIndex, int label, float[] features) {
        this(rowIndex, label, features, null, null);
    }

    public static RawRow image(long rowIndex, int label, byte[] encoded, String source) {
        return new RawRow(rowIndex, label, null, encoded, source);
    }
}
