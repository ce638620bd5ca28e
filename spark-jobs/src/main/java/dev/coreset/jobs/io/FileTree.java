package dev.coreset.jobs.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Every file below a directory, by listStatus, folder by folder. Hadoop's recursive listFiles builds a
 * LocatedFileStatus per file, which on the local file system loads the file's permissions by starting a process:
 * about 100 times slower (3,000 files: 17 s against 0.2 s here), and image folders hold many thousands of files.
 */
public final class FileTree {
    private FileTree() {
    }

    public static List<FileStatus> files(FileSystem fs, Path dir) throws IOException {
        List<FileStatus> out = new ArrayList<>();
        List<Path> pending = new ArrayList<>(List.of(dir));
        while (!pending.isEmpty()) {
            for (FileStatus s : fs.listStatus(pending.remove(pending.size() - 1))) {
                if (s.isDirectory()) {
                    pending.add(s.getPath());
                } else {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
