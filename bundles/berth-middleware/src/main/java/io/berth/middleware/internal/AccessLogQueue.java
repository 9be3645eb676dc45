package io.berth.middleware.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded queue of many producers (request threads) and one consumer (an access log's writer),
 * without locks: a producer claims a slot with one compare-and-set and never waits; when the queue
 * is full it is told so at once. The algorithm of JCTools' {@code MpscArrayQueue}: slots are taken
 * in the order of a producer index and freed in the order of a consumer index, so a slot is reused
 * only after the consumer has emptied it.
 *
 * @param <E> the elements
 */
final class AccessLogQueue<E> {

    private final AtomicReferenceArray<E> slots;
    private final int mask;
    private final int capacity;

    /** The next index a producer claims. */
    private final AtomicLong producerIndex = new AtomicLong();

    /** The next index the consumer reads; written by the consumer only. */
    private final AtomicLong consumerIndex = new AtomicLong();

    /**
     * An index below which producers may claim without reading {@link #consumerIndex}: a stale
     * value is only smaller than the true limit, which makes a producer read the consumer's index.
     */
    private volatile long producerLimit;

    /** @param capacity elements held at most, at least 1 */
    AccessLogQueue(int capacity) {
        if (capacity < 1 || capacity > 1 << 30) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        int length = Integer.highestOneBit(capacity);
        if (length < capacity) {
            length <<= 1;
        }
        this.slots = new AtomicReferenceArray<>(length);
        this.mask = length - 1;
        this.capacity = capacity;
        this.producerLimit = capacity;
    }

    int capacity() {
        return capacity;
    }

    /**
     * Any thread.
     *
     * @return false, at once, when the queue is full
     */
    boolean offer(E element) {
        long limit = producerLimit;
        long index;
        do {
            index = producerIndex.get();
            if (index >= limit) {
                limit = consumerIndex.get() + capacity;
                if (index >= limit) {
                    return false;
                }
                producerLimit = limit;
            }
        } while (!producerIndex.compareAndSet(index, index + 1));
        slots.lazySet((int) (index & mask), element);
        return true;
    }

    /**
     * The consumer's thread only.
     *
     * @return the oldest element, or null when the queue is empty or its oldest element's producer
     *     has claimed the slot but not yet filled it (poll again later)
     */
    E poll() {
        long index = consumerIndex.get();
        int slot = (int) (index & mask);
        E element = slots.get(slot);
        if (element == null) {
            return null;
        }
        slots.lazySet(slot, null);
        consumerIndex.lazySet(index + 1);
        return element;
    }

    /** @return elements claimed and not yet polled, an estimate while producers run */
    int size() {
        long consumed = consumerIndex.get();
        return (int) Math.max(0, Math.min(capacity, producerIndex.get() - consumed));
    }
}
