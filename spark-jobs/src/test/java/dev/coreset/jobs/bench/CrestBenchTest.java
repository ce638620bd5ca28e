package dev.coreset.jobs.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The comparison arithmetic of `coreset bench crest` on hand-made curves (no timing is asserted anywhere). */
class CrestBenchTest {
    static final CrestBench.Run FULL = new CrestBench.Run("full", List.of(0.80, 0.85, 0.87, 0.88),
            List.of(10.0, 20.0, 30.0, 40.0), 4000, null);

    @Test
    void targetIsTheFullRunsFinalAccuracyMinusTheMarginAndTimesAreCumulative() {
        CrestBench.Run crest = new CrestBench.Run("crest", List.of(0.84, 0.871, 0.86), List.of(12.0, 25.0, 37.0),
                3000, null);
        CrestBench.Result r = new CrestBench.Result(FULL, crest, FULL.finalAccuracy() - 0.01);
        assertEquals(0.87, r.target(), 1e-12);
        assertEquals(2, crest.epochReaching(r.target()));
        assertEquals(25.0, crest.secondsTo(r.target()));
        assertEquals(3, FULL.epochReaching(r.target()), "0.87 counts as reached");
        assertEquals(40.0 / 25.0, r.speedUp(), 1e-12);
        assertEquals(30.0 / 25.0, r.speedUpAtTarget(), 1e-12);
        assertEquals(0.871, crest.bestAccuracy());
    }

    @Test
    void aCrestRunThatNeverReachesTheTargetHasNoSpeedUp() {
        CrestBench.Run crest = new CrestBench.Run("crest", List.of(0.80, 0.86), List.of(12.0, 25.0), 2000, null);
        CrestBench.Result r = new CrestBench.Result(FULL, crest, 0.87);
        assertEquals(-1, crest.epochReaching(0.87));
        assertNull(r.speedUp());
        assertNull(r.speedUpAtTarget());
    }
}
