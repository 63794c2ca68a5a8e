package dev.pixmill.jobs;

import dev.pixmill.engine.EngineExecutor;
import dev.pixmill.engine.EngineResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Prometheus metrics of conversions: outcomes by format, durations, bytes, queue depth, purges. */
@ApplicationScoped
public class ConversionMetrics {

    @Inject
    MeterRegistry registry;

    @Inject
    EngineExecutor executor;

    private final AtomicLong pending = new AtomicLong();

    @PostConstruct
    void register() {
        registry.gauge("pixmill.engine.queue.depth", executor, EngineExecutor::queueDepth);
        registry.gauge("pixmill.engine.active", executor, EngineExecutor::activeCount);
        registry.gauge("pixmill.conversions.pending", pending);
    }

    public void completed(String input, long inputBytes, EngineResult result, long nanos) {
        completed(input, inputBytes, result.format().extension(), result.bytes().length, nanos);
    }

    /** A completed conversion, its result made by the engine or taken from the result cache. */
    public void completed(String input, long inputBytes, String output, long outputBytes, long nanos) {
        Counter.builder("pixmill.conversions").tag("input", input).tag("output", output).tag("outcome", "completed")
                .tag("error", "none").register(registry).increment();
        Timer.builder("pixmill.conversion.duration").tag("input", input).tag("output", output)
                .publishPercentileHistogram().register(registry).record(nanos, TimeUnit.NANOSECONDS);
        registry.counter("pixmill.bytes.in").increment(inputBytes);
        registry.counter("pixmill.bytes.out").increment(outputBytes);
    }

    /** Every series of a meter must have the same tag keys (Prometheus), so failures carry them all. */
    void failed(String input, ConversionParams params, String code) {
        failed(input, params.output().extension(), code);
    }

    public void failed(String input, String output, String code) {
        Counter.builder("pixmill.conversions").tag("input", input).tag("output", output)
                .tag("outcome", "failed").tag("error", code).register(registry).increment();
    }

    void purged(int rows) {
        registry.counter("pixmill.purged").increment(rows);
    }

    void recovered(int rows) {
        registry.counter("pixmill.leases.recovered").increment(rows);
    }

    void pending(long count) {
        pending.set(count);
    }
}
