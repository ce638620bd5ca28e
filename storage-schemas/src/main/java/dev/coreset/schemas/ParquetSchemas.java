package dev.coreset.schemas;

import java.util.Collection;
import java.util.List;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/** Parquet schemas derived from {@link TableSchema}; arrays use the standard 3-level LIST layout Spark reads and writes. */
public final class ParquetSchemas {
    private ParquetSchemas() {
    }

    /** The Parquet schema with the required columns plus the named optional ones. */
    public static MessageType messageType(TableSchema table, Collection<String> optionalColumnsToInclude) {
        List<Type> fields = table.columns().stream()
                .filter(c -> c.required() || optionalColumnsToInclude.contains(c.name()))
                .map(ParquetSchemas::field)
                .toList();
        return new MessageType("spark_schema", fields);
    }

    static Type field(Column column) {
        Repetition repetition = column.nullable() ? Repetition.OPTIONAL : Repetition.REQUIRED;
        return switch (column.type()) {
            case LONG -> Types.primitive(PrimitiveTypeName.INT64, repetition).named(column.name());
            case INT -> Types.primitive(PrimitiveTypeName.INT32, repetition).named(column.name());
            case FLOAT -> Types.primitive(PrimitiveTypeName.FLOAT, repetition).named(column.name());
            case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(column.name());
            case BOOLEAN -> Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(column.name());
            case STRING -> Types.primitive(PrimitiveTypeName.BINARY, repetition)
                    .as(LogicalTypeAnnotation.stringType()).named(column.name());
            case BINARY -> Types.primitive(PrimitiveTypeName.BINARY, repetition).named(column.name());
            case FLOAT_ARRAY -> Types.buildGroup(repetition).as(LogicalTypeAnnotation.listType())
                    .repeatedGroup().required(PrimitiveTypeName.FLOAT).named("element").named("list")
                    .named(column.name());
            case INT_ARRAY -> Types.buildGroup(repetition).as(LogicalTypeAnnotation.listType())
                    .repeatedGroup().required(PrimitiveTypeName.INT32).named("element").named("list")
                    .named(column.name());
        };
    }

    /** The coreset column type a Parquet field holds, or null when it is none of them. */
    public static ColumnType columnTypeOf(Type field) {
        if (field.isPrimitive()) {
            PrimitiveType p = field.asPrimitiveType();
            return switch (p.getPrimitiveTypeName()) {
                case INT64 -> ColumnType.LONG;
                case INT32 -> p.getLogicalTypeAnnotation() == null
                        || p.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation
                        ? ColumnType.INT : null;
                case FLOAT -> ColumnType.FLOAT;
                case DOUBLE -> ColumnType.DOUBLE;
                case BOOLEAN -> ColumnType.BOOLEAN;
                // Strings carry the string annotation; plain binary (encoded images) carries none.
                case BINARY -> p.getLogicalTypeAnnotation() == null ? ColumnType.BINARY : ColumnType.STRING;
                default -> null;
            };
        }
        // A LIST of floats (or ints), in the 3-level or the legacy 2-level layout.
        var group = field.asGroupType();
        if (group.getFieldCount() == 1) {
            Type repeated = group.getType(0);
            Type element = repeated.isPrimitive() ? repeated
                    : repeated.asGroupType().getFieldCount() == 1 ? repeated.asGroupType().getType(0) : null;
            if (element != null && element.isPrimitive()
                    && element.asPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.FLOAT) {
                return ColumnType.FLOAT_ARRAY;
            }
            if (element != null && element.isPrimitive()
                    && element.asPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.INT32
                    && element.getLogicalTypeAnnotation() == null) {
                return ColumnType.INT_ARRAY;
            }
        }
        return null;
    }
}
