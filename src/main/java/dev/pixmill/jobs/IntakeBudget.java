package dev.pixmill.jobs;

import dev.pixmill.error.ServiceBusyException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Bounds the input bytes held in memory at once while uploads and fetched files are read, probed
 * and queued. Past the budget a request is refused with 503 and Retry-After instead of letting
 * concurrent large uploads exhaust the heap. Default: a quarter of the maximum heap, at most 64 MB.
 */
@ApplicationScoped
public class IntakeBudget {

    /** The default never exceeds this, however large the heap a plain {@code java -jar} got. */
    static final long DEFAULT_CAP = 64L << 20;

    private final AtomicLong available;
    private final long budget;

    @Inject
    public IntakeBudget(JobsConfig config) {
        this(config.intakeBudget().map(m -> m.asLongValue())
                .orElse(Math.min(DEFAULT_CAP, Runtime.getRuntime().maxMemory() / 4)));
    }

    IntakeBudget(long budget) {
        this.budget = budget;
        this.available = new AtomicLong(budget);
    }

    /** Runs {@code work} with {@code bytes} reserved until it ends, or refuses at once. */
    public <T> Uni<T> within(long bytes, Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            if (!reserve(bytes, 0)) {
                return Uni.createFrom().failure(busy());
            }
            Uni<T> started;
            try {
                started = work.get();
            } catch (RuntimeException e) {
                available.addAndGet(bytes);
                throw e;
            }
            return started.onTermination().invoke(() -> available.addAndGet(bytes));
        });
    }

    /**
     * A reservation that grows as bytes arrive (a URL's body, whose size is known only at its
     * end). {@link Reservation#grow} refuses with 503 once the budget is spent; {@link
     * Reservation#close} gives everything back and may be called more than once.
     */
    public Reservation open() {
        return new Reservation();
    }

    public final class Reservation implements AutoCloseable {
        private long held;
        private boolean closed;

        public synchronized void grow(long bytes) {
            if (closed) {
                throw new IllegalStateException("reservation already closed");
            }
            if (!reserve(bytes, held)) {
                throw busy();
            }
            held += bytes;
        }

        public synchronized long held() {
            return held;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                available.addAndGet(held);
            }
        }
    }

    public long available() {
        return available.get();
    }

    private static ServiceBusyException busy() {
        return new ServiceBusyException("too many uploads are being received right now; retry shortly", 2);
    }

    /** {@code alreadyHeld}: what the caller itself holds, so that alone it may exceed the budget. */
    private boolean reserve(long bytes, long alreadyHeld) {
        while (true) {
            long now = available.get();
            // one file larger than the whole budget still passes when nothing else is in flight
            if (now < bytes && now + alreadyHeld != budget) {
                return false;
            }
            if (available.compareAndSet(now, now - bytes)) {
                return true;
            }
        }
    }
}
