package dev.coreset.jobs.launch;

import dev.coreset.schemas.CoresetInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a user's trainer as a child process: its stdout and stderr are copied to the given streams as the bytes
 * arrive (flushed after every read, so progress lines show up while it runs), stdin is inherited, and its exit
 * code is returned. If this JVM is stopped (Ctrl-C) the child is stopped with it.
 */
public final class TrainerProcess {
    private static final Logger LOG = LoggerFactory.getLogger(TrainerProcess.class);

    private TrainerProcess() {
    }

    /**
     * @param command the program and its arguments, placeholders already substituted
     * @param env     variables added to this JVM's environment for the child
     * @return the child's exit code
     */
    public static int run(List<String> command, Map<String, String> env, OutputStream out, OutputStream err)
            throws InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new CoresetInputException("cannot start '" + command.get(0) + "': " + e.getMessage()
                    + "; check the command after --.", e);
        }
        Thread stop = new Thread(process::destroy, "coreset-launch-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        Thread outPump = pump(process.getInputStream(), out, "stdout");
        Thread errPump = pump(process.getErrorStream(), err, "stderr");
        try {
            int code = process.waitFor();
            outPump.join();
            errPump.join();
            return code;
        } finally {
            if (process.isAlive()) {
                process.destroy(); // interrupted while waiting: do not leave the trainer running
            }
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already running
            }
        }
    }

    private static Thread pump(InputStream from, OutputStream to, String name) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (from) {
                for (int n = from.read(buf); n >= 0; n = from.read(buf)) {
                    synchronized (to) {
                        to.write(buf, 0, n);
                        to.flush();
                    }
                }
            } catch (IOException e) {
                LOG.warn("copying the trainer's {} stopped: {}", name, e.getMessage());
            }
        }, "coreset-launch-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
