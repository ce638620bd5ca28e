package dev.coreset.jobs.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.coreset.schemas.CoresetInputException;
import dev.coreset.schemas.TableInfo;
import dev.coreset.schemas.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Side files of samples tables written before images (format 1) still read; an unknown version does not. */
class SamplesTableInfoTest {
    @TempDir
    Path tmp;

    private Path table(int version, String extra) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("v" + version));
        Files.writeString(dir.resolve(TableInfo.FILE_NAME), "{\"table\":\"samples\",\"formatVersion\":" + version
                + ",\"rows\":10,\"summary\":{\"classes\":3,\"featureDim\":64" + extra + "}}");
        return dir;
    }

    @Test
    void versionOneFloatTablesReadAndImageTablesCarryTheirDecoding() throws Exception {
        SamplesTableInfo v1 = SamplesTableInfo.read(table(1, "").toString(), new Configuration());
        assertEquals(new SamplesTableInfo(3, 64), v1);
        assertEquals(Tables.FEATURES, v1.inputColumn());
        SamplesTableInfo images = SamplesTableInfo.read(table(2, ",\"image\":{\"channels\":1,\"height\":8,\"width\":8,"
                + "\"mean\":[0.0],\"std\":[1.0]}").toString(), new Configuration());
        assertEquals(Tables.IMAGE, images.inputColumn());
        assertEquals(java.util.List.of(1, 8, 8), images.image().shape());
        CoresetInputException future = assertThrows(CoresetInputException.class,
                () -> SamplesTableInfo.read(table(9, "").toString(), new Configuration()));
        assertTrue(future.getMessage().contains("format version 9 is unknown"), future.getMessage());
    }
}
