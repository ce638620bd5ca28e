package dev.coreset.jobs.select;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.coreset.schemas.Tables;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * One candidate point of GreeDi (id, class, part, embedding) as a bean, so that Spark decodes the embedding
 * straight into a float array (a copy of the column's bytes) instead of a list of boxed floats, and shuffles it as
 * one small object.
 */
public final class PartPoint implements Serializable {
    private long id;
    private int label;
    private int part;
    private float[] embedding;

    public PartPoint() {
    }

    /**
     * The rows of a Dataset with sample_id, label, embedding and (when {@code withPart}) part columns, in the
     * Dataset's partitions and order.
     */
    static JavaRDD<PartPoint> of(Dataset<Row> rows, boolean withPart) {
        return rows.select(col(Tables.SAMPLE_ID).as("id"), col(Tables.LABEL).as("label"),
                        (withPart ? col(GreeDiParts.PART) : lit(0)).as("part"), col(Tables.EMBEDDING).as("embedding"))
                .as(Encoders.bean(PartPoint.class)).javaRDD();
    }

    /** Part key of a (label, part) pair. */
    static long key(int label, int part) {
        return ((long) label << 32) | (part & 0xFFFFFFFFL);
    }

    long key() {
        return key(label, part);
    }

    public long getId() {
        return id;
    }

    public void setId(long id) {
        this.id = id;
    }

    public int getLabel() {
        return label;
    }

    public void setLabel(int label) {
        this.label = label;
    }

    public int getPart() {
        return part;
    }

    public void setPart(int part) {
        this.part = part;
    }

    public float[] getEmbedding() {
        return embedding;
    }

    public void setEmbedding(float[] embedding) {
        this.embedding = embedding;
    }

    @Override
    public String toString() {
        return "PartPoint[" + id + ", label " + label + ", part " + part + ", " + Arrays.toString(embedding) + "]";
    }
}
