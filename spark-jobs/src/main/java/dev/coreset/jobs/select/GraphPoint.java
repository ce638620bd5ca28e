package dev.coreset.jobs.select;

import static org.apache.spark.sql.functions.col;

import dev.coreset.schemas.Tables;
import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * One candidate of D2 (id, class, part, difficulty, embedding) as a bean, so that Spark decodes the embedding straight
 * into a float array (as {@link PartPoint} does for GreeDi).
 */
public final class GraphPoint implements Serializable {
    static final String DIFFICULTY = "difficulty";

    private long id;
    private int label;
    private int part;
    private double difficulty;
    private float[] embedding;

    public GraphPoint() {
    }

    /** The rows of a Dataset with sample_id, label, part, difficulty and embedding columns. */
    static JavaRDD<GraphPoint> of(Dataset<Row> rows) {
        return rows.select(col(Tables.SAMPLE_ID).as("id"), col(Tables.LABEL).as("label"), col(GreeDiParts.PART).as("part"),
                        col(DIFFICULTY).as("difficulty"), col(Tables.EMBEDDING).as("embedding"))
                .as(Encoders.bean(GraphPoint.class)).javaRDD();
    }

    long key() {
        return PartPoint.key(label, part);
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

    public double getDifficulty() {
        return difficulty;
    }

    public void setDifficulty(double difficulty) {
        this.difficulty = difficulty;
    }

    public float[] getEmbedding() {
        return embedding;
    }

    public void setEmbedding(float[] embedding) {
        this.embedding = embedding;
    }
}
