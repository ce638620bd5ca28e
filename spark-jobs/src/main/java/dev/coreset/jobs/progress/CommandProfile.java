package dev.coreset.jobs.progress;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart;

/**
 * Where a command's wall time goes (`--verbose`): the JVM's start up to the command, the Spark session's start,
 * every Spark job (its stage name, its call site in our code) and the driver's own work between jobs (a row of its
 * own where a gap reaches a quarter second), printed as a table on stderr when the command ends. One profile per
 * JVM: the first session request starts it.
 */
public final class CommandProfile extends SparkListener {
    /** One finished Spark job. */
    public record Job(int id, String description, String callSite, long startMillis, long endMillis) {
        double seconds() {
            return (endMillis - startMillis) / 1000.0;
        }
    }

    /** Driver work between jobs gets its own row from this long on (shorter gaps only add to the total). */
    private static final double GAP_SHOWN = 0.25;

    private static volatile CommandProfile active;

    private final long jvmStartMillis;
    private final long requestedMillis;
    private volatile long sessionReadyMillis;
    private final Map<Integer, Job> running = new ConcurrentHashMap<>();
    private final Map<Long, String> queries = new ConcurrentHashMap<>();
    private final List<Job> finished = new ArrayList<>();

    private CommandProfile() {
        this(ManagementFactory.getRuntimeMXBean().getStartTime(), System.currentTimeMillis(), 0);
    }

    CommandProfile(long jvmStartMillis, long requestedMillis, long sessionReadyMillis) {
        this.jvmStartMillis = jvmStartMillis;
        this.requestedMillis = requestedMillis;
        this.sessionReadyMillis = sessionReadyMillis;
    }

    /** Called just before the session is built; returns the profile to hand the session to. */
    public static synchronized CommandProfile begin() {
        if (active == null) {
            active = new CommandProfile();
        }
        return active;
    }

    /** Attaches to the session once it exists (idempotent for `coreset run`'s repeated requests). */
    public synchronized void attach(SparkSession spark) {
        if (sessionReadyMillis == 0) {
            sessionReadyMillis = System.currentTimeMillis();
            spark.sparkContext().addSparkListener(this);
        }
    }

    @Override
    public void onOtherEvent(SparkListenerEvent event) {
        if (event instanceof SparkListenerSQLExecutionStart sql) {
            queries.put(sql.executionId(), sql.description());
        }
    }

    @Override
    public void onJobStart(SparkListenerJobStart job) {
        java.util.Properties props = job.properties();
        String description = props == null ? null : props.getProperty("spark.job.description");
        String callSite = props == null ? null : props.getProperty("callSite.short");
        // Adaptive query execution runs a query's stages as jobs from its own threads, whose call site says
        // nothing; the query's own call site (the action in our code) does.
        String execution = props == null ? null : props.getProperty("spark.sql.execution.id");
        if (execution != null && (callSite == null || callSite.contains("withThreadLocalCaptured"))) {
            String query = queries.get(Long.parseLong(execution));
            callSite = query == null ? callSite : query.equals(description) ? "(a query stage)" : query + " (a query stage)";
        }
        if (callSite == null) {
            List<StageInfo> stages = scala.jdk.javaapi.CollectionConverters.asJava(job.stageInfos());
            callSite = stages.isEmpty() ? "" : stages.get(stages.size() - 1).name();
        }
        running.put(job.jobId(), new Job(job.jobId(), description == null ? "" : description, callSite, job.time(), 0));
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd job) {
        Job started = running.remove(job.jobId());
        if (started != null) {
            record(new Job(started.id(), started.description(), started.callSite(), started.startMillis(), job.time()));
        }
    }

    void record(Job job) {
        synchronized (finished) {
            finished.add(job);
        }
    }

    /** Prints the table if a profile was started in this JVM, and forgets it. */
    public static synchronized void printIfActive(SparkSession spark, PrintStream out) {
        CommandProfile p = active;
        active = null;
        if (p == null) {
            return;
        }
        if (spark != null && p.sessionReadyMillis > 0) {
            try {
                // Job-end events arrive asynchronously: let the bus deliver the last ones first.
                spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
            } catch (java.util.concurrent.TimeoutException | IllegalStateException e) {
                // the table then misses the last job
            }
            spark.sparkContext().removeSparkListener(p);
        }
        out.print(p.table(System.currentTimeMillis()));
    }

    /** The table: one row per phase and per job, in time order, and the total. */
    String table(long endMillis) {
        List<Job> jobs;
        synchronized (finished) {
            jobs = new ArrayList<>(finished);
        }
        jobs.sort((a, b) -> Long.compare(a.startMillis(), b.startMillis()));
        StringBuilder sb = new StringBuilder("time profile (--verbose), seconds:\n");
        row(sb, "JVM start to the command's first Spark call", (requestedMillis - jvmStartMillis) / 1000.0);
        long sessionReady = sessionReadyMillis > 0 ? sessionReadyMillis : requestedMillis;
        row(sb, "Spark session start", (sessionReady - requestedMillis) / 1000.0);
        double inJobs = 0;
        long covered = sessionReady;
        for (Job j : jobs) {
            String what = j.description().isEmpty() ? j.callSite() : j.description() + " | " + j.callSite();
            double gap = (j.startMillis() - covered) / 1000.0;
            if (gap >= GAP_SHOWN) {
                row(sb, "  driver work before job " + j.id(), gap);
            }
            row(sb, "  job " + j.id() + ": " + what, j.seconds());
            // Jobs may overlap (a broadcast inside a job): count wall time covered by some job once.
            long from = Math.max(covered, j.startMillis());
            if (j.endMillis() > from) {
                inJobs += (j.endMillis() - from) / 1000.0;
                covered = j.endMillis();
            }
        }
        double tail = (endMillis - covered) / 1000.0;
        if (!jobs.isEmpty() && tail >= GAP_SHOWN) {
            row(sb, "  driver work after the last job", tail);
        }
        double afterSession = (endMillis - sessionReady) / 1000.0;
        row(sb, "Spark jobs (" + jobs.size() + ", wall time covered)", inJobs);
        row(sb, "driver work between and after jobs", afterSession - inJobs);
        row(sb, "total since JVM start", (endMillis - jvmStartMillis) / 1000.0);
        return sb.toString();
    }

    private static void row(StringBuilder sb, String what, double seconds) {
        String name = what.length() > 100 ? what.substring(0, 97) + "..." : what;
        sb.append(String.format(Locale.ROOT, "  %-100s %8.2f%n", name, seconds));
    }
}
