package dev.coreset.schemas;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class FingerprintTest {
    @Test
    void orderIndependentAndSensitiveToLabels() {
        Fingerprint a = Fingerprint.empty().add(1, 0).add(2, 1).add(3, 2);
        Fingerprint b = Fingerprint.empty().add(3, 2).add(1, 0).merge(Fingerprint.empty().add(2, 1));
        assertEquals(a, b);
        assertEquals(3, a.rows());
        Fingerprint flipped = Fingerprint.empty().add(1, 0).add(2, 2).add(3, 2);
        assertNotEquals(a.hash(), flipped.hash());
        assertEquals(a, Fingerprint.parse(3, a.hashHex()));
    }

    @Test
    void schemasAgreeBetweenParquetAndContract() {
        var mt = ParquetSchemas.messageType(Tables.SAMPLES, java.util.List.of(Tables.FEATURES, Tables.CLEAN_LABEL));
        var types = ParquetRows.columnTypes(mt);
        assertEquals("bigint", types.get("sample_id"));
        assertEquals("array<float>", types.get("features"));
        assertEquals("int", types.get("clean_label"));
        assertFalse(types.containsKey("source"));
        SchemaCheck.check(Tables.SAMPLES, types, "x");
    }
}
