package dev.coreset.jobs.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coreset.jobs.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Progress lines on a real local Spark job: the ETA follows the tasks' stated costs, by partition index. */
class ProgressListenerTest {

    @Test
    void costedTasksReportTheShareOfTheWorkDone() throws Exception {
        SparkSession spark = SparkTestSession.get();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressListener listener = new ProgressListener(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 0, 0);
        spark.sparkContext().addSparkListener(listener);
        try {
            // Four tasks, the first 30 times the others (a large GreeDi part scheduled first), and slow, so the
            // three small ones end first: weighing by completion order instead of partition index would say 91%.
            ProgressListener.stage(spark, "test: costed", new double[] {30, 1, 1, 1});
            new JavaSparkContext(spark.sparkContext()).parallelize(List.of(1, 2, 3, 4), 4).map(x -> {
                if (x == 1) {
                    Thread.sleep(1500);
                }
                return x * 2;
            }).collect();
            ProgressListener.stage(spark, "test: counted");
            new JavaSparkContext(spark.sparkContext()).parallelize(List.of(1, 2, 3, 4), 4).map(x -> x * 2).collect();
            spark.sparkContext().listenerBus().waitUntilEmpty(); // the bus delivers events after collect returns
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
        String lines = bytes.toString(StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("\\[test: costed\\] tasks (\\d)/4 \\((\\d+)% of the work\\)").matcher(lines);
        StringBuilder shares = new StringBuilder();
        while (m.find()) {
            shares.append(m.group(1)).append(':').append(m.group(2)).append(' ');
        }
        assertEquals("1:3 2:6 3:9 4:100 ", shares.toString(), lines);
        // Below 5% of the work no ETA yet; at 6% a number; at the job's end 0.
        assertTrue(Pattern.compile("tasks 1/4 \\(3% of the work\\), elapsed [0-9.]+s, ETA \\?\n").matcher(lines).find(),
                lines);
        assertTrue(Pattern.compile("tasks 2/4 \\(6% of the work\\), elapsed [0-9.]+s, ETA [0-9.]+s").matcher(lines).find(),
                lines);
        assertTrue(lines.contains("tasks 4/4 (100% of the work), elapsed") && lines.contains("ETA 0.0s"), lines);
        // Without costs: tasks counted, no share printed.
        assertTrue(lines.contains("[test: counted] tasks 4/4, elapsed"), lines);
        assertTrue(!lines.contains("[test: counted] tasks 4/4 ("), lines);
    }

    @Test
    void costsAreCheckedAndCountOnce() {
        TaskCosts c = TaskCosts.of(new double[] {3, 1});
        c.finish(0);
        c.finish(0); // a retried task's second success
        assertEquals(0.75, c.doneShare(), 1e-12);
        c.finish(7); // not a costed task: ignored
        c.finish(1);
        assertEquals(1.0, c.doneShare(), 1e-12);
        assertEquals(null, TaskCosts.of(new double[] {0, 0}));
        assertEquals(null, TaskCosts.of(null));
        assertThrows(IllegalArgumentException.class, () -> TaskCosts.of(new double[] {1, Double.NaN}));
    }
}
