package io.llmgateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The test parser must refuse what Prometheus would refuse, or the metrics tests prove nothing. */
class PrometheusTextTest {
    private static final String GOOD = """
            # HELP a_total Things.
            # TYPE a_total counter
            a_total{x="1",y="q\\"uote"} 2.0
            # TYPE h histogram
            h_bucket{le="1.0"} 1
            h_bucket{le="+Inf"} 2
            h_count 2
            h_sum 3.5
            """;

    @Test
    void parse_wellFormed() {
        PrometheusText m = PrometheusText.parse(GOOD);

        assertEquals(2.0, m.value("a_total", "y", "q\"uote", "x", "1"));
        assertEquals(2.0, m.value("h_count"));
        assertEquals(1.0, m.value("h_bucket", "le", "1.0"));
    }

    @Test
    void parse_rejectsMalformedInput() {
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("b 1\n"), "undeclared");
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("# TYPE b gauge\nb{x=\"1} 1\n"));
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("# TYPE b gauge\nb one\n"));
        assertThrows(
                IllegalArgumentException.class,
                () -> PrometheusText.parse("# TYPE b gauge\nb 1\nb 2\n"),
                "duplicate series");
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("# TYPE b gauge\nb 1"), "no newline");
        assertThrows(
                IllegalArgumentException.class,
                () -> PrometheusText.parse(GOOD.replace("h_count 2", "h_count 3")),
                "+Inf differs from count");
        assertThrows(
                IllegalArgumentException.class,
                () -> PrometheusText.parse(GOOD.replace("le=\"1.0\"} 1", "le=\"1.0\"} 5")),
                "not cumulative");
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("# comment\n"));
    }
}
