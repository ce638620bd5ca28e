package dev.coreset.jobs.select;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function;
import scala.Tuple2;

/**
 * Sends a record keyed by a task index (0..n-1) to that partition: the driver decides which unit of work (a part,
 * a class) each task gets, largest first, so two cores finish together instead of one waiting on a hash collision.
 */
public final class TaskPartitioner extends Partitioner {
    private final int tasks;

    /**
     * Moves every record to the task {@code taskOf} names (0..tasks-1) and runs {@code work} once per task on all of
     * its records (in no particular order; tasks with none are skipped).
     */
    public static <T, R> JavaRDD<R> perTask(JavaRDD<T> records, Function<T, Integer> taskOf, int tasks,
                                     FlatMapFunction<List<T>, R> work) {
        return records.mapToPair(r -> new Tuple2<>(taskOf.call(r), r))
                .partitionBy(new TaskPartitioner(tasks))
                .mapPartitions((Iterator<Tuple2<Integer, T>> it) -> {
                    List<T> all = new ArrayList<>();
                    it.forEachRemaining(t -> all.add(t._2()));
                    return all.isEmpty() ? Collections.emptyIterator() : work.call(all);
                });
    }

    TaskPartitioner(int tasks) {
        this.tasks = Math.max(1, tasks);
    }

    @Override
    public int numPartitions() {
        return tasks;
    }

    @Override
    public int getPartition(Object key) {
        return (Integer) key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskPartitioner t && t.tasks == tasks;
    }

    @Override
    public int hashCode() {
        return tasks;
    }
}
