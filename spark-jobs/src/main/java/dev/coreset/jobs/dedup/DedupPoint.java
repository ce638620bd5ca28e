package dev.coreset.jobs.dedup;

import java.io.Serializable;

/**
 * One row on its way through dedup, as a bean so that Spark decodes the embedding straight into a float array:
 * its id and label, its scope group (its label, or 0 for --scope global), its keep key (smaller is kept first; ties
 * by id), and once clustered its cluster (numbered across groups) and rank in its cluster's keep order.
 */
public final class DedupPoint implements Serializable {
    private long id;
    private int label;
    private int group;
    private double key;
    private int cluster;
    private int rank;
    private float[] embedding;

    public DedupPoint() {
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

    public int getGroup() {
        return group;
    }

    public void setGroup(int group) {
        this.group = group;
    }

    public double getKey() {
        return key;
    }

    public void setKey(double key) {
        this.key = key;
    }

    public int getCluster() {
        return cluster;
    }

    public void setCluster(int cluster) {
        this.cluster = cluster;
    }

    public int getRank() {
        return rank;
    }

    public void setRank(int rank) {
        this.rank = rank;
    }

    public float[] getEmbedding() {
        return embedding;
    }

    public void setEmbedding(float[] embedding) {
        this.embedding = embedding;
    }

    /** Keep order: the key, then the id. */
    static int keepOrder(DedupPoint a, DedupPoint b) {
        int c = Double.compare(a.key, b.key);
        return c != 0 ? c : Long.compare(a.id, b.id);
    }
}
