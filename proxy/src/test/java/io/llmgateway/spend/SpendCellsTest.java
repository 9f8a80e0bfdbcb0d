package io.llmgateway.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpendCellsTest {
    private static final SpendCells.Cell CELL = new SpendCells.Cell(1, "k", "p", "m");

    @Test
    void drain_takesTheSums_thenRetiresIdleCells() {
        SpendCells cells = new SpendCells();
        cells.add(CELL, BilledTokens.openAi(10, 4, 3), 100, false);
        cells.add(CELL, BilledTokens.anthropic(1, 2, 3, 4), 50, true);
        assertEquals(List.of(new SpendCells.Drained(CELL, new SpendTotals(2, 1, 11, 4, 2, 3, 7, 150))), cells.drain());
        assertEquals(List.of(), cells.drain()); // nothing new: the cell retires
        cells.add(CELL, BilledTokens.openAi(1, 0, 0), 1, false); // a fresh cell takes it
        assertEquals(List.of(new SpendCells.Drained(CELL, new SpendTotals(1, 0, 1, 0, 0, 0, 0, 1))), cells.drain());
    }

    @Test
    void restore_putsBackWhatAFailedWriteTook() {
        SpendCells cells = new SpendCells();
        cells.add(CELL, BilledTokens.openAi(10, 0, 1), 100, false);
        List<SpendCells.Drained> failed = cells.drain();
        cells.add(CELL, BilledTokens.openAi(5, 0, 1), 10, false);
        cells.restore(failed);
        assertEquals(List.of(new SpendCells.Drained(CELL, new SpendTotals(2, 0, 15, 0, 0, 0, 2, 110))), cells.drain());
    }
}
