package dev.pixmill.jobs;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Follows one row (a conversion or a job) until it ends: its state at once, then each change,
 * signalled by a NOTIFY of its id from whichever replica made it. A slow re-read backs up the
 * notifications, which are not guaranteed to arrive.
 */
@ApplicationScoped
public class ChangeStream {

    @Inject
    ConversionEvents events;

    @Inject
    JobsConfig config;

    /**
     * The states {@code read} answers, from now on: one per distinct {@code state} key, ending
     * after the first one {@code terminal} accepts. Must start on a Vert.x context: re-reads run
     * on it (Hibernate Reactive sessions are bound to it).
     */
    public <T> Multi<T> follow(UUID id, Supplier<Uni<T>> read, Function<T, String> state, Predicate<T> terminal) {
        Context context = Objects.requireNonNull(Vertx.currentContext(), "a stream must start on a Vert.x context");
        // a trigger only means "read again": surplus ones are dropped rather than failing the
        // stream (a broadcast or tick source fails a subscriber that has no demand left)
        Multi<Object> triggers = Multi.createBy().merging().streams(
                events.changes().filter(id::equals).onOverflow().drop().map(x -> (Object) x),
                Multi.createFrom().ticks().every(config.statusRecheck()).onOverflow().drop().map(x -> (Object) x));
        AtomicReference<String> last = new AtomicReference<>();
        return Multi.createBy().concatenating().streams(Multi.createFrom().item((Object) id), triggers)
                .emitOn(task -> context.runOnContext(v -> task.run()))
                .onItem().transformToUni(x -> read.get()).concatenate()
                .filter(item -> {
                    String s = state.apply(item);
                    return !s.equals(last.getAndSet(s));
                })
                .plug(stream -> untilTerminal(stream, terminal));
    }

    /** Passes items on up to and including the first terminal one, then ends the stream. */
    private static <T> Multi<T> untilTerminal(Multi<T> stream, Predicate<T> terminal) {
        return Multi.createFrom().emitter(emitter -> {
            AtomicReference<Cancellable> upstream = new AtomicReference<>();
            AtomicBoolean ended = new AtomicBoolean();
            emitter.onTermination(() -> {
                ended.set(true);
                Cancellable c = upstream.get();
                if (c != null) {
                    c.cancel();
                }
            });
            upstream.set(stream.subscribe().with(item -> {
                if (emitter.isCancelled()) {
                    return;
                }
                emitter.emit(item);
                if (terminal.test(item)) {
                    emitter.complete();
                }
            }, emitter::fail, emitter::complete));
            if (ended.get()) { // ended synchronously, before upstream was known
                upstream.get().cancel();
            }
        });
    }
}
