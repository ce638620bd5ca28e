package dev.coreset.schemas;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.TreeMap;

/** The {@value #FILE_NAME} beside a samples or scores table: which table, its format version, what made it. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TableInfo {
    public static final String FILE_NAME = "_coreset_table.json";

    public String table;
    public int formatVersion;
    public long rows;
    /** Parameters of the stage that wrote it, so a re-run can tell whether its output is current. */
    public Map<String, Object> parameters = new TreeMap<>();
    /** Facts a person or a later stage wants without scanning: classes, feature dimension, split counts. */
    public Map<String, Object> summary = new TreeMap<>();
    public String createdAt;
    public String softwareVersion = SoftwareVersion.get();

    public static TableInfo of(TableSchema schema) {
        TableInfo info = new TableInfo();
        info.table = schema.name();
        info.formatVersion = schema.formatVersion();
        return info;
    }
}
