package io.llmgateway.observe;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** The observers of a gateway; added at start-up, read on every request end without locking. */
public final class Observers implements RequestObserver {
    private static final Logger LOG = LogManager.getLogger(Observers.class);

    private final CopyOnWriteArrayList<RequestObserver> observers = new CopyOnWriteArrayList<>();
    // Striped: every event loop bumps it twice per request, a scrape reads it rarely.
    private final LongAdder inFlight = new LongAdder();

    public void add(RequestObserver observer) {
        observers.add(requireNonNull(observer, "observer"));
    }

    public void remove(RequestObserver observer) {
        observers.remove(observer);
    }

    /** A proxied request started; its record will follow through {@link #onComplete}. */
    public void requestStarted() {
        inFlight.increment();
    }

    /** Proxied requests started and not yet ended. */
    public long inFlight() {
        return Math.max(0, inFlight.sum());
    }

    @Override
    public void onComplete(RequestRecord record) {
        inFlight.decrement();
        for (RequestObserver o : observers) {
            try {
                o.onComplete(record);
            } catch (RuntimeException e) {
                // One broken consumer must not break the request path or the others.
                LOG.error("request observer {} failed", o.getClass().getName(), e);
            }
        }
    }
}
