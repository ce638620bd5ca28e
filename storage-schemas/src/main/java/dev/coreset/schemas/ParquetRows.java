package dev.coreset.schemas;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/** Spark-free access to the Parquet part files of a table directory (parquet-hadoop's example Group API). */
public final class ParquetRows {
    private ParquetRows() {
    }

    /** The data files of a directory (or the file itself), skipping hidden and underscore files, sorted by name. */
    public static List<Path> dataFiles(Path dirOrFile, Configuration conf) throws IOException {
        FileSystem fs = dirOrFile.getFileSystem(conf);
        if (!fs.exists(dirOrFile)) {
            throw new CoresetInputException(dirOrFile + ": does not exist; check the path.");
        }
        if (fs.getFileStatus(dirOrFile).isFile()) {
            return List.of(dirOrFile);
        }
        FileStatus[] statuses = fs.listStatus(dirOrFile, p -> {
            String n = p.getName();
            return !n.startsWith("_") && !n.startsWith(".");
        });
        Arrays.sort(statuses);
        List<Path> files = new ArrayList<>();
        for (FileStatus s : statuses) {
            if (s.isFile()) {
                files.add(s.getPath());
            }
        }
        return files;
    }

    /** The footer schema of one file; a file that is not Parquet (or is truncated) gets a clear error. */
    public static MessageType schema(Path file, Configuration conf) {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
            return reader.getFooter().getFileMetaData().getSchema();
        } catch (IOException | RuntimeException e) {
            throw new CoresetInputException(file + ": not a readable Parquet file (" + oneLine(e)
                    + "); it may be truncated or of another format: re-create it.", e);
        }
    }

    /** Column name to SQL type name, for {@link SchemaCheck}. */
    public static Map<String, String> columnTypes(MessageType schema) {
        Map<String, String> types = new LinkedHashMap<>();
        for (Type field : schema.getFields()) {
            ColumnType t = ParquetSchemas.columnTypeOf(field);
            types.put(field.getName(), t == null ? field.toString().trim() : t.sqlName());
        }
        return types;
    }

    public static ParquetReader<Group> open(Path file, Configuration conf) throws IOException {
        return ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build();
    }

    /** Reads a float LIST field of a row (either list layout). */
    public static float[] floatArray(Group row, String field) {
        Group list = row.getGroup(field, 0);
        int n = list.getFieldRepetitionCount(0);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            Object rep = list.getType().getType(0).isPrimitive() ? null : list.getGroup(0, i);
            out[i] = rep == null ? list.getFloat(0, i) : ((Group) rep).getFloat(0, 0);
        }
        return out;
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ');
    }
}
