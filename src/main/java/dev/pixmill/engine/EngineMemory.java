package dev.pixmill.engine;

import dev.pixmill.error.PayloadTooLargeException;
import dev.pixmill.error.ServiceBusyException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The engine's native-memory budget. Each conversion reserves what it is estimated to need (from
 * the header, before any pixel is decoded) and gives it back when it ends, so the engine's memory
 * is bounded by this budget however large or numerous the inputs: conversions that do not fit
 * together wait (within their deadline, then 503: retried), and one that would not fit even alone
 * is refused with 413. Accounting is in KiB, so budgets up to terabytes fit a semaphore.
 */
public final class EngineMemory {

    private final long budgetBytes;
    private final Semaphore kib;

    public EngineMemory(long budgetBytes) {
        if (budgetBytes < (1 << 20)) {
            throw new IllegalArgumentException("the engine memory budget must be at least 1 MiB");
        }
        this.budgetBytes = budgetBytes;
        this.kib = new Semaphore((int) Math.min(Integer.MAX_VALUE, budgetBytes >> 10), true);
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    /** KiB not reserved now (for metrics and tests). */
    public long availableBytes() {
        return (long) kib.availablePermits() << 10;
    }

    /**
     * Reserves {@code bytes}, waiting until {@code deadlineNanos} at most.
     *
     * @param what names the work in the refusal ("converting this 8000x6000 image to WebP")
     * @return a reservation to close when the work is done
     */
    public Reservation reserve(long bytes, long deadlineNanos, String what) {
        if (bytes > budgetBytes) {
            throw new PayloadTooLargeException("image_too_large", what + " needs about " + mib(bytes)
                    + " MB of memory; the engine's limit is " + mib(budgetBytes)
                    + " MB (pixmill.engine.memory-budget): resize it or choose another output format");
        }
        int permits = (int) Math.max(1, (bytes + 1023) >> 10);
        try {
            long wait = deadlineNanos - System.nanoTime();
            if (wait <= 0 || !kib.tryAcquire(permits, wait, TimeUnit.NANOSECONDS)) {
                // the server is busy, not the image at fault: a job is handed back and tried again
                throw busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
        return new Reservation(permits);
    }

    private static ServiceBusyException busy() {
        return new ServiceBusyException("the engine's memory is taken by other conversions; retry shortly", 2);
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    /** Memory held by one conversion; closing it twice is harmless. */
    public final class Reservation implements AutoCloseable {
        private int permits;

        private Reservation(int permits) {
            this.permits = permits;
        }

        @Override
        public void close() {
            if (permits > 0) {
                kib.release(permits);
                permits = 0;
            }
        }
    }
}
