package dev.pixmill.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.engine.EngineResult;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.support.TestImages;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test work that takes as long as its params say ({@code {"millis":7000,"width":64,"height":48}})
 * and then yields a real PNG of that size: a long job without a machine-dependent conversion time.
 * An alternative, so it exists only in the test profiles that enable it.
 */
@Alternative
@ApplicationScoped
public class SlowWorkHandler implements WorkHandler {

    static final String KIND = "slow-test";

    /** Runs started, and whether the worker could store each outcome, by row. */
    private final Map<UUID, AtomicInteger> runs = new ConcurrentHashMap<>();
    private final Map<UUID, Boolean> stored = new ConcurrentHashMap<>();

    @Inject
    ObjectMapper json;

    /** Runs of the row started so far (methods: the test holds a client proxy, whose fields are its own). */
    public int runsOf(UUID id) {
        AtomicInteger n = runs.get(id);
        return n == null ? 0 : n.get();
    }

    /** Whether the worker stored the row's outcome; null while it has not been recorded. */
    public Boolean storedOf(UUID id) {
        return stored.get(id);
    }

    @Override
    public Set<String> kinds() {
        return Set.of(KIND);
    }

    @Override
    public Uni<WorkOutcome> run(ConversionQueue.Claimed job) {
        runs.computeIfAbsent(job.id(), id -> new AtomicInteger()).incrementAndGet();
        JsonNode p;
        try {
            p = json.readTree(job.params());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int width = p.get("width").asInt();
        int height = p.get("height").asInt();
        return Uni.createFrom().item(() -> (WorkOutcome) new WorkOutcome.Completed(
                        new EngineResult(TestImages.png(width, height), ImageFormat.PNG, width, height), 0))
                .onItem().delayIt().by(Duration.ofMillis(p.get("millis").asLong()));
    }

    @Override
    public void recorded(ConversionQueue.Claimed job, WorkOutcome outcome, boolean stored, long nanos) {
        this.stored.put(job.id(), stored);
    }
}
