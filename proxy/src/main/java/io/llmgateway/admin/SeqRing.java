package io.llmgateway.admin;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The last {@code capacity} items, each numbered in arrival order, so a poller asks only for what is
 * newer than the last number it saw. Single-threaded (admin thread).
 */
final class SeqRing<T> {
    /** An item and its number. */
    record Entry<T>(long seq, T item) {}

    private final int capacity;
    private final ArrayDeque<Entry<T>> items;
    private long lastSeq;

    SeqRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
        this.items = new ArrayDeque<>(capacity);
    }

    long add(T item) {
        if (items.size() == capacity) {
            items.pollFirst();
        }
        items.addLast(new Entry<>(++lastSeq, item));
        return lastSeq;
    }

    /** Items numbered above {@code afterSeq}, newest first, at most {@code limit}. */
    List<Entry<T>> newerThan(long afterSeq, int limit) {
        List<Entry<T>> out = new ArrayList<>();
        Iterator<Entry<T>> it = items.descendingIterator();
        while (it.hasNext() && out.size() < limit) {
            Entry<T> e = it.next();
            if (e.seq() <= afterSeq) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    long lastSeq() {
        return lastSeq;
    }
}
