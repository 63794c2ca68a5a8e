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
 * concurrent large uploads exhaust the heap. Default: a quarter of the maximum heap.
 */
@ApplicationScoped
public class IntakeBudget {

    private final AtomicLong available;
    private final long budget;

    @Inject
    public IntakeBudget(JobsConfig config) {
        this(config.intakeBudget().map(m -> m.asLongValue()).orElse(Runtime.getRuntime().maxMemory() / 4));
    }

    IntakeBudget(long budget) {
        this.budget = budget;
        this.available = new AtomicLong(budget);
    }

    /** Runs {@code work} with {@code bytes} reserved until it ends, or refuses at once. */
    public <T> Uni<T> within(long bytes, Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            if (!reserve(bytes)) {
                return Uni.createFrom().failure(new ServiceBusyException(
                        "too many uploads are being received right now; retry shortly", 2));
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

    public long budget() {
        return budget;
    }

    public long available() {
        return available.get();
    }

    private boolean reserve(long bytes) {
        while (true) {
            long now = available.get();
            // one file larger than the whole budget still passes when nothing else is in flight
            if (now < bytes && now != budget) {
                return false;
            }
            if (available.compareAndSet(now, now - bytes)) {
                return true;
            }
        }
    }
}
