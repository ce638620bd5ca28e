package dev.coreset.jobs.select;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.jobs.SparkTestSession;
import dev.coreset.jobs.SqlColumnsTable;
import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.Tables;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The row checks as a Spark aggregate ({@link ScoresRowChecks#check}) and on collected rows
 * ({@link ScoresRowChecks#checkCollected}, a small table's driver path) refuse the same rows with the same line, and
 * count the same class sizes and fingerprint for good rows.
 */
class ScoresRowChecksPathsTest {
    @TempDir
    Path tmp;

    private final SparkSession spark = SparkTestSession.get();
    private int tables;

    /** 30 rows, 3 classes, 3-d embeddings, with some columns replaced. */
    private Dataset<Row> rows(String... overrides) {
        Map<String, String> cols = new LinkedHashMap<>();
        cols.put("sample_id", "id");
        cols.put("label", "CAST(id % 3 AS INT)");
        cols.put("loss", "CAST(id / 10.0 AS FLOAT)");
        cols.put("margin", "CAST(0.5 AS FLOAT)");
        cols.put("embedding", "array(CAST(id AS FLOAT), CAST(id % 4 AS FLOAT), 1.0F)");
        return spark.read().parquet(SqlColumnsTable.write(spark, tmp.resolve("t" + tables++), 30, cols, overrides)
                .toString());
    }

    private static final InputNaming NAMES = new InputNaming("T", Tables.SAMPLE_ID, Tables.LABEL, Tables.EMBEDDING, false);

    private static String refusal(Runnable check) {
        return assertThrows(CoresetInputException.class, check::run).getMessage();
    }

    private void sameRefusal(Dataset<Row> at, SelectMethod method, String fragment) {
        String spark = refusal(() -> ScoresRowChecks.check(at, method, NAMES, true));
        List<Row> collected = at.select(ScoresRowChecks.columns(method, NAMES, true)).collectAsList();
        String driver = refusal(() -> ScoresRowChecks.checkCollected(collected, method, NAMES, true));
        assertEquals(spark, driver);
        assertTrue(spark.contains(fragment), spark);
    }

    @Test
    void badRowsAreRefusedWithTheSameLineOnBothPaths() {
        SelectMethod fl = SelectMethod.FACILITY_LOCATION;
        sameRefusal(rows("sample_id", "IF(id IN (4, 9), NULL, id)"), fl, "'sample_id' is null (first of 2 rows)");
        sameRefusal(rows("label", "IF(id = 5, -1, CAST(id % 3 AS INT))"), fl, "'label' is null or negative at sample_id 5");
        sameRefusal(rows("label", "IF(id > 20, NULL, CAST(id % 3 AS INT))"), fl, "at sample_id 21 (first of 9 rows)");
        sameRefusal(rows("loss", "IF(id % 10 = 3, CAST('NaN' AS FLOAT), 1.0F)"), fl, "'loss' is NaN, infinite or null at sample_id 3");
        sameRefusal(rows("loss", "IF(id = 8, NULL, 1.0F)"), fl, "'loss' is NaN, infinite or null at sample_id 8");
        sameRefusal(rows("margin", "IF(id = 2, CAST('-Infinity' AS FLOAT), 0.5F)"), SelectMethod.MARGIN, "'margin'");
        sameRefusal(rows("embedding", "IF(id = 6, array(1.0F, CAST('Infinity' AS FLOAT), 0.0F),"
                + " array(CAST(id AS FLOAT), 0.0F, 1.0F))"), fl, "'embedding' holds NaN or infinity at sample_id 6");
        sameRefusal(rows("embedding", "IF(id = 11, NULL, array(CAST(id AS FLOAT), 0.0F, 1.0F))"), fl, "at sample_id 11");
        sameRefusal(rows("embedding", "IF(id % 9 = 4, array(CAST('NaN' AS FLOAT), 2.0F, 0.0F),"
                + " array(CAST(id AS FLOAT), 0.0F, 1.0F))"), fl, "at sample_id 4 (first of 3 rows)");
        sameRefusal(rows("embedding", "IF(id = 17, array(3.0F, CAST('-Infinity' AS FLOAT), 0.0F),"
                + " array(CAST(id AS FLOAT), 0.0F, 1.0F))"), fl, "at sample_id 17");
        sameRefusal(rows("embedding", "IF(id = 19, array(CAST('NaN' AS FLOAT), NULL, CAST('Infinity' AS FLOAT)),"
                + " array(CAST(id AS FLOAT), 0.0F, 1.0F))"), fl, "at sample_id 19");
        sameRefusal(rows("embedding", "IF(id = 11, array(1.0F, NULL, 0.0F), array(CAST(id AS FLOAT), 0.0F, 1.0F))"),
                fl, "at sample_id 11");
        sameRefusal(rows("embedding", "IF(id = 2, array(1.0F), array(1.0F, 2.0F))"), fl, "is ragged or empty (lengths 1..2)");
        sameRefusal(rows("embedding", "array()"), fl, "is ragged or empty (lengths 0..0)");
        sameRefusal(rows("sample_id", "id % 13 + 100"), fl, "sample_id 100 appears twice");
    }

    @Test
    void goodRowsGiveTheSameSizesAndFingerprint() {
        Dataset<Row> at = rows();
        ScoresRowChecks.Counts spark = ScoresRowChecks.check(at, SelectMethod.FACILITY_LOCATION, NAMES, true);
        ScoresRowChecks.Counts driver = ScoresRowChecks.checkCollected(at.select(ScoresRowChecks.columns(
                SelectMethod.FACILITY_LOCATION, NAMES, true)).collectAsList(), SelectMethod.FACILITY_LOCATION, NAMES, true);
        assertEquals(Map.of(0, 10L, 1, 10L, 2, 10L), spark.perLabel());
        assertEquals(spark, driver);
        assertEquals(30, driver.fingerprint().rows());
    }
}
