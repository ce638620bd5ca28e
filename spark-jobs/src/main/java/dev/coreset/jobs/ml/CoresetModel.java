package dev.coreset.jobs.ml;

import static org.apache.spark.sql.functions.col;

import dev.coreset.jobs.io.AtomicTableWriter;
import dev.coreset.jobs.io.ManifestWriter;
import dev.coreset.schemas.Json;
import dev.coreset.schemas.ManifestMetadata;
import dev.coreset.schemas.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted coreset: the manifest rows of {@link CoresetSelector#fit} (sample_id, label, weight, score, rank).
 * {@link #transform} keeps the rows of a dataset whose {@code idCol} was selected (and, when the dataset has the
 * {@code checkpointCol} column, only those at the checkpoint selected at) and adds {@code weight}, {@code score}
 * and {@code rank}. {@link #writeManifest} publishes the data contract's manifest, as {@code coreset select} does.
 *
 * <p>Saved as a directory: {@code metadata/} (Spark's params JSON), {@code coreset-model.json} (the manifest
 * metadata, checkpoint, class budgets, k-medoid cost) and {@code data/} (the selected rows, Parquet).
 */
public final class CoresetModel extends Model<CoresetModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    static final String STATE_FILE = "coreset-model.json";
    static final String DATA_DIR = "data";
    private static final String JOIN_ID = "__coreset_selected_id";

    /** What a manifest needs besides the rows; budgets are per class label. */
    public record State(ManifestMetadata manifest, int checkpoint, Double kMedoidCost, Map<Integer, Integer> budgets) {
        public State(ManifestMetadata manifest, int checkpoint, double kMedoidCost, Map<Integer, Integer> budgets) {
            this(manifest, checkpoint, Double.isNaN(kMedoidCost) ? null : (Double) kMedoidCost, new TreeMap<>(budgets));
        }
    }

    private final String uid;
    private final transient Dataset<Row> selection;
    private final State state;
    private final Param<String> idCol;
    private final Param<String> checkpointCol;

    CoresetModel(String uid, Dataset<Row> selection, State state) {
        this.uid = uid;
        this.selection = selection;
        this.state = state;
        idCol = new Param<>(this, "idCol", "sample id column (long)",
                ParamRules.rule(uid, "idCol", v -> !v.isEmpty(), "must name a column."));
        checkpointCol = new Param<>(this, "checkpointCol",
                "checkpoint column; when the dataset has it, only rows at the selected checkpoint are kept");
        setDefault(idCol, Tables.SAMPLE_ID);
        setDefault(checkpointCol, Tables.CHECKPOINT);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> idCol() { return idCol; }
    public Param<String> checkpointCol() { return checkpointCol; }
    public CoresetModel setIdCol(String v) { set(idCol, v); return this; }
    public CoresetModel setCheckpointCol(String v) { set(checkpointCol, v); return this; }

    /** The selected rows in the manifest's columns: sample_id, label, weight, score, rank. */
    public Dataset<Row> selection() {
        return selection;
    }

    /** The checkpoint the selection was made at. */
    public int checkpoint() {
        return state.checkpoint();
    }

    /** Class label to the number selected in it. */
    public Map<Integer, Integer> budgets() {
        return state.budgets();
    }

    /** Sum over classes of the k-medoid cost (facility location, k-center); NaN for the other methods. */
    public double kMedoidCost() {
        return state.kMedoidCost() == null ? Double.NaN : state.kMedoidCost();
    }

    /** The manifest's {@code _coreset.json} as {@code coreset select} would write it (budget and time: at write). */
    public ManifestMetadata manifestMetadata() {
        return Json.MAPPER.convertValue(state.manifest(), ManifestMetadata.class);
    }

    /** Publishes the manifest (rows, {@code _coreset.json}, {@code _SUCCESS}) atomically, like {@code coreset select}. */
    public void writeManifest(String out, boolean overwrite) {
        new AtomicTableWriter(selection.sparkSession()).checkTarget(out, overwrite);
        new ManifestWriter(selection.sparkSession()).write(selection, manifestMetadata(), out, overwrite);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        Dataset<Row> df = dataset.toDF();
        String ck = getOrDefault(checkpointCol);
        if (!ck.isEmpty() && new InputColumns(uid, df.schema()).has(ck)) {
            df = df.filter(col(ck).equalTo(state.checkpoint()));
        }
        Dataset<Row> picked = selection.select(col(Tables.SAMPLE_ID).as(JOIN_ID), col(Tables.WEIGHT),
                col(Tables.SCORE), col(Tables.RANK));
        return df.join(picked, df.col(getOrDefault(idCol)).cast("long").equalTo(picked.col(JOIN_ID))).drop(JOIN_ID);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        new InputColumns(uid, schema).requireIntegral("idCol", getOrDefault(idCol), "set idCol to the sample id column.");
        return outputSchema(uid, schema);
    }

    /** The input schema plus weight, score and rank (which must not be there yet). */
    static StructType outputSchema(String owner, StructType schema) {
        InputColumns in = new InputColumns(owner, schema);
        for (String c : new String[] {Tables.WEIGHT, Tables.SCORE, Tables.RANK}) {
            in.requireAbsent(c, "drop or rename it before this stage.");
        }
        return schema.add(Tables.WEIGHT, DataTypes.DoubleType, false)
                .add(Tables.SCORE, DataTypes.DoubleType, true)
                .add(Tables.RANK, DataTypes.IntegerType, false);
    }

    @Override
    public CoresetModel copy(ParamMap extra) {
        return copyValues(new CoresetModel(uid, selection, state), extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<CoresetModel> read() {
        return new Reader();
    }

    public static CoresetModel load(String path) {
        return read().load(path);
    }

    /** Params (Spark's metadata), the state JSON, then the rows. */
    private static final class Writer extends MLWriter {
        private final CoresetModel model;

        Writer(CoresetModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(model, path, sparkSession());
            try {
                Json.write(new Path(path, STATE_FILE), model.state, sc().hadoopConfiguration());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            model.selection.write().parquet(new Path(path, DATA_DIR).toString());
        }
    }

    private static final class Reader extends MLReader<CoresetModel> {
        @Override
        public CoresetModel load(String path) {
            DefaultParamsReader.Metadata meta = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(),
                    CoresetModel.class.getName());
            State state;
            try {
                state = Json.read(new Path(path, STATE_FILE), State.class, sc().hadoopConfiguration());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Dataset<Row> rows = sparkSession().read().parquet(new Path(path, DATA_DIR).toString());
            CoresetModel model = new CoresetModel(meta.uid(), rows, state);
            meta.getAndSetParams(model, scala.Option.empty());
            return model;
        }
    }
}
