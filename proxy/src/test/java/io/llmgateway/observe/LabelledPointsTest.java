package io.llmgateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelledPointsTest {
    @Test
    void get_asksTheMetricOncePerLabelSet_andReturnsItsDataPoint() {
        List<List<String>> asked = new ArrayList<>();
        LabelledPoints<String> points = new LabelledPoints<>(labels -> {
            asked.add(List.of(labels));
            return String.join("/", labels);
        });

        assertEquals("m/p/200", points.get("m", "p", "200"));
        assertSame(points.get("m", "p", "200"), points.get(new String("m"), new String("p"), new String("200")));
        assertEquals("m/p/500", points.get("m", "p", "500"));
        assertEquals("m/q/200", points.get("m", "q", "200"));

        assertEquals(List.of(List.of("m", "p", "200"), List.of("m", "p", "500"), List.of("m", "q", "200")), asked);
    }

    @Test
    void get_everyArity() {
        LabelledPoints<String> one = new LabelledPoints<>(labels -> String.join("/", labels));
        LabelledPoints<String> two = new LabelledPoints<>(labels -> String.join("/", labels));
        LabelledPoints<String> four = new LabelledPoints<>(labels -> String.join("/", labels));

        assertEquals("x", one.get("x"));
        assertSame(one.get("x"), one.get("x"));
        assertEquals("a/b", two.get("a", "b"));
        assertEquals("a/c", two.get("a", "c"));
        assertEquals("a/b/c/d", four.get("a", "b", "c", "d"));
        assertEquals("a/b/c/e", four.get("a", "b", "c", "e"));
    }

    @Test
    void get_isTheClientsOwnDataPoint() {
        // Without exemplars, as the gateway builds its metrics: a sampler would start the client's scheduler
        // thread in this JVM, which MetricsEndToEndTest checks the gateway never does.
        Counter counter = Counter.builder().name("c_total").labelNames("model", "status").withoutExemplars().build();
        LabelledPoints<CounterDataPoint> points = new LabelledPoints<>(counter::labelValues);

        points.get("m", "200").inc();
        points.get("m", "200").inc(2);
        points.get("m", "404").inc();

        assertEquals(3.0, counter.labelValues("m", "200").get());
        assertEquals(1.0, counter.labelValues("m", "404").get());
        assertNotSame(points.get("m", "200"), points.get("m", "404"));
    }
}
