package dev.coreset.jobs.cld;

import dev.coreset.schemas.Tables;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The map side of the dynamics' shuffle: the rows of one sample that one input task reads are packed into one
 * piece (sample_id, rows, payload) before the shuffle by sample_id, and {@link DynamicsBuilder.PerSample} unpacks
 * every piece of a sample after it. {@code coreset score} writes each batch's samples at every checkpoint before
 * the next batch, so a sample's T rows sit within a few thousand rows of each other: one piece per sample, a
 * shuffle of samples instead of samples x T rows and a sort of as many keys (issue 21).
 *
 * <p>Memory: the samples still open (seen but not yet at T rows) are kept up to {@link #OPEN_BYTES} of payload per
 * task; past that the oldest is sent as it is and the rest of its rows become another piece. A table written one
 * checkpoint at a time therefore gives one piece per row, which costs the shuffle what the rows did; once
 * {@value #PASS_THROUGH_AFTER} samples have left with under 2 rows each on average, the task stops keeping samples
 * open and sends each row as its own piece.
 *
 * <p>Payload, per row: checkpoint (int), label (int), loss, el2n, margin (floats, NaN for null), flags (byte: 1 =
 * correct, 2 = embedding follows), then the embedding's length and floats when flagged. The embedding travels only
 * at the checkpoints that use it (the window's, when mean probabilities are wanted).
 */
final class TrajectoryPieces implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    /** Payload of open samples per task: about 40,000 samples of 20 rows, far more than a score batch spans. */
    static final long OPEN_BYTES = 16L << 20;
    private static final int ROW_BYTES = 21;
    /** Samples sent incomplete before a task judges whether packing pays. */
    static final int PASS_THROUGH_AFTER = 10_000;
    private static final byte CORRECT = 1;
    private static final byte EMBEDDING = 2;

    /** The pieces' schema: what the shuffle carries. */
    static final StructType SCHEMA = new StructType()
            .add(Tables.SAMPLE_ID, DataTypes.LongType, false)
            .add("rows", DataTypes.IntegerType, false)
            .add("payload", DataTypes.BinaryType, false);

    private final int rowsPerSample;
    private final int[] embeddingCheckpoints;
    private final long openBytes;

    /**
     * @param rowsPerSample        a sample is complete (its piece leaves at once) at this many rows: T
     * @param embeddingCheckpoints sorted; the rows at these checkpoints carry their embedding (column 7)
     * @param openBytes            payload bytes of open samples kept per task
     */
    TrajectoryPieces(int rowsPerSample, int[] embeddingCheckpoints, long openBytes) {
        this.rowsPerSample = rowsPerSample;
        this.embeddingCheckpoints = embeddingCheckpoints.clone();
        this.openBytes = openBytes;
    }

    /**
     * Rows of (sample_id, label, checkpoint, loss, correct, el2n, margin[, embedding]) in any order; pieces out,
     * a complete sample's as soon as its last row is read.
     */
    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
        return new Iterator<>() {
            private final LinkedHashMap<Long, Piece> open = new LinkedHashMap<>();
            private final ArrayDeque<InternalRow> ready = new ArrayDeque<>();
            private long bytes;
            private long evicted;
            private long evictedRows;
            private boolean passThrough;

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && rows.hasNext()) {
                    add(rows.next());
                }
                if (ready.isEmpty() && !open.isEmpty()) {
                    open.forEach((id, piece) -> ready.add(piece.row(id)));
                    open.clear();
                    bytes = 0;
                }
                return !ready.isEmpty();
            }

            @Override
            public InternalRow next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }

            private void add(InternalRow r) {
                long id = r.getLong(0);
                if (passThrough) {
                    Piece single = new Piece(1);
                    single.append(r, embeddingCheckpoints);
                    ready.add(single.row(id));
                    return;
                }
                Piece piece = open.get(id);
                if (piece == null) {
                    piece = new Piece(Math.min(rowsPerSample, 64)); // room for a sample of up to 64 rows
                    open.put(id, piece);
                } else {
                    bytes -= piece.capacity();
                }
                piece.append(r, embeddingCheckpoints);
                if (piece.rows == rowsPerSample) {
                    open.remove(id);
                    ready.add(piece.row(id));
                } else {
                    bytes += piece.capacity();
                }
                while (bytes > openBytes && !open.isEmpty()) {
                    Map.Entry<Long, Piece> eldest = open.entrySet().iterator().next();
                    open.remove(eldest.getKey());
                    bytes -= eldest.getValue().capacity();
                    ready.add(eldest.getValue().row(eldest.getKey()));
                    evicted++;
                    evictedRows += eldest.getValue().rows;
                }
                // Samples leaving with under 2 rows each: this task reads a sample's rows far apart (a table
                // written one checkpoint at a time), so the map only costs time; rows go on one by one.
                if (evicted >= PASS_THROUGH_AFTER && evictedRows < 2 * evicted) {
                    passThrough = true;
                    open.forEach((openId, p) -> ready.add(p.row(openId)));
                    open.clear();
                    bytes = 0;
                }
            }
        };
    }

    /** The rows of one sample seen so far, packed. */
    private static final class Piece {
        private ByteBuffer buf;
        private int rows;

        Piece(int expectedRows) {
            buf = ByteBuffer.allocate(expectedRows * ROW_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        }

        int capacity() {
            return buf.capacity();
        }

        void append(InternalRow r, int[] embeddingCheckpoints) {
            int checkpoint = r.getInt(2);
            boolean embedding = r.numFields() > 7 && !r.isNullAt(7)
                    && Arrays.binarySearch(embeddingCheckpoints, checkpoint) >= 0;
            float[] e = embedding ? r.getArray(7).toFloatArray() : null;
            ensure(ROW_BYTES + (e == null ? 0 : 4 + 4 * e.length));
            buf.putInt(checkpoint);
            buf.putInt(r.isNullAt(1) ? -1 : r.getInt(1));
            buf.putFloat(r.isNullAt(3) ? Float.NaN : r.getFloat(3));
            buf.putFloat(r.isNullAt(5) ? Float.NaN : r.getFloat(5));
            buf.putFloat(r.isNullAt(6) ? Float.NaN : r.getFloat(6));
            boolean correct = !r.isNullAt(4) && r.getBoolean(4);
            buf.put((byte) ((correct ? CORRECT : 0) | (e != null ? EMBEDDING : 0)));
            if (e != null) {
                buf.putInt(e.length);
                for (float x : e) {
                    buf.putFloat(x);
                }
            }
            rows++;
        }

        private void ensure(int more) {
            if (buf.remaining() < more) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(2 * buf.capacity(), buf.position() + more))
                        .order(ByteOrder.LITTLE_ENDIAN);
                bigger.put(buf.array(), 0, buf.position());
                buf = bigger;
            }
        }

        InternalRow row(long id) {
            return new GenericInternalRow(new Object[] {id, rows, Arrays.copyOf(buf.array(), buf.position())});
        }
    }

    /** Reads a piece's rows back, one at a time; reusable across pieces. */
    static final class Reader {
        private ByteBuffer buf;
        private int left;
        private int checkpoint;
        private int label;
        private float loss;
        private float el2n;
        private float margin;
        private boolean correct;
        private float[] embedding;

        /** Starts on a piece's payload and row count. */
        Reader reset(byte[] payload, int rows) {
            buf = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
            left = rows;
            return this;
        }

        /** Moves to the next row; false when the piece has none left. */
        boolean next() {
            if (left == 0) {
                return false;
            }
            left--;
            checkpoint = buf.getInt();
            label = buf.getInt();
            loss = buf.getFloat();
            el2n = buf.getFloat();
            margin = buf.getFloat();
            byte flags = buf.get();
            correct = (flags & CORRECT) != 0;
            embedding = null;
            if ((flags & EMBEDDING) != 0) {
                embedding = new float[buf.getInt()];
                for (int i = 0; i < embedding.length; i++) {
                    embedding[i] = buf.getFloat();
                }
            }
            return true;
        }

        int checkpoint() {
            return checkpoint;
        }

        int label() {
            return label;
        }

        float loss() {
            return loss;
        }

        float el2n() {
            return el2n;
        }

        float margin() {
            return margin;
        }

        boolean correct() {
            return correct;
        }

        /** The row's embedding, or null when it did not carry one. */
        float[] embedding() {
            return embedding;
        }
    }
}
