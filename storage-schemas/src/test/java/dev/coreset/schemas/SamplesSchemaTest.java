package dev.coreset.schemas;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The samples table holds features or an encoded image: exactly one of them. */
class SamplesSchemaTest {
    private static Map<String, String> columns(String... extra) {
        Map<String, String> types = new LinkedHashMap<>();
        types.put(Tables.SAMPLE_ID, "bigint");
        types.put(Tables.LABEL, "int");
        types.put(Tables.SPLIT, "string");
        for (int i = 0; i < extra.length; i += 2) {
            types.put(extra[i], extra[i + 1]);
        }
        return types;
    }

    @Test
    void featuresImageOrTokensButNotTwoNorNone() {
        SchemaCheck.check(Tables.SAMPLES, columns(Tables.FEATURES, "array<float>"), "t");
        SchemaCheck.check(Tables.SAMPLES, columns(Tables.IMAGE, "binary"), "t");
        SchemaCheck.check(Tables.SAMPLES, columns(Tables.TOKENS, "array<int>"), "t");
        CoresetInputException both = assertThrows(CoresetInputException.class, () -> SchemaCheck.check(Tables.SAMPLES,
                columns(Tables.FEATURES, "array<float>", Tables.IMAGE, "binary"), "t"));
        assertTrue(both.getMessage().contains("[features, image]") && both.getMessage().contains("exactly one"),
                both.getMessage());
        CoresetInputException neither = assertThrows(CoresetInputException.class,
                () -> SchemaCheck.check(Tables.SAMPLES, columns(), "t"));
        assertTrue(neither.getMessage().contains("needs one of the columns [features, image, tokens]"), neither.getMessage());
        CoresetInputException text = assertThrows(CoresetInputException.class,
                () -> SchemaCheck.check(Tables.SAMPLES, columns(Tables.IMAGE, "string"), "t"));
        assertTrue(text.getMessage().contains("'image' has type string"), text.getMessage());
        CoresetInputException floats = assertThrows(CoresetInputException.class,
                () -> SchemaCheck.check(Tables.SAMPLES, columns(Tables.TOKENS, "array<float>"), "t"));
        assertTrue(floats.getMessage().contains("'tokens' has type array<float>"), floats.getMessage());
    }

    @Test
    void parquetBinaryIsTheImageTypeAndAnnotatedBinaryAString() {
        var mt = ParquetSchemas.messageType(Tables.SAMPLES, List.of(Tables.IMAGE, Tables.SOURCE));
        Map<String, String> types = ParquetRows.columnTypes(mt);
        assertEquals("binary", types.get(Tables.IMAGE));
        assertEquals("string", types.get(Tables.SOURCE));
        assertFalse(types.containsKey(Tables.FEATURES));
        SchemaCheck.check(Tables.SAMPLES, types, "x");
    }
}
