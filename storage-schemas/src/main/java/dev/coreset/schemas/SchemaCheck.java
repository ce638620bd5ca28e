package dev.coreset.schemas;

import java.util.List;
import java.util.Map;

/** Compares the columns a file has (name to SQL type name) with the contract; engine-neutral. */
public final class SchemaCheck {
    private SchemaCheck() {
    }

    /**
     * @param actualTypes column name to the type as Spark SQL prints it ("bigint", "array<float>", ...)
     * @throws CoresetInputException naming the first missing or mistyped column
     */
    public static void check(TableSchema table, Map<String, String> actualTypes, String path) {
        for (Column column : table.columns()) {
            String actual = actualTypes.get(column.name());
            if (actual == null) {
                if (column.required()) {
                    throw new CoresetInputException(String.format(
                            "%s: missing column '%s' (%s) required by the %s table; columns found: %s. "
                                    + "Write the column or point to a %s table made by coreset.",
                            path, column.name(), column.type().sqlName(), table.name(),
                            actualTypes.keySet(), table.name()));
                }
                continue;
            }
            if (!compatible(column.type(), actual)) {
                throw new CoresetInputException(String.format(
                        "%s: column '%s' has type %s but the %s table needs %s; cast it when writing the file.",
                        path, column.name(), actual, table.name(), column.type().sqlName()));
            }
        }
        for (List<String> group : table.exactlyOneOf()) {
            List<String> present = group.stream().filter(actualTypes::containsKey).toList();
            if (present.isEmpty()) {
                throw new CoresetInputException(String.format(
                        "%s: the %s table needs one of the columns %s; columns found: %s. "
                                + "Write one of them or point to a %s table made by coreset.",
                        path, table.name(), group, actualTypes.keySet(), table.name()));
            }
            if (present.size() > 1) {
                throw new CoresetInputException(String.format(
                        "%s: holds the columns %s but the %s table takes exactly one of them; "
                                + "drop the others when writing the file.", path, present, table.name()));
            }
        }
    }

    private static boolean compatible(ColumnType expected, String actual) {
        String a = actual.toLowerCase(java.util.Locale.ROOT);
        return switch (expected) {
            case LONG -> a.equals("bigint");
            case INT -> a.equals("int");
            case FLOAT -> a.equals("float");
            case DOUBLE -> a.equals("double");
            case BOOLEAN -> a.equals("boolean");
            case STRING -> a.equals("string");
            case FLOAT_ARRAY -> a.equals("array<float>");
            case INT_ARRAY -> a.equals("array<int>");
            case BINARY -> a.equals("binary");
        };
    }
}
