package dev.pixmill.jobs;

import dev.pixmill.error.ServiceBusyException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The intake budget refuses work past it, and gives bytes back however the work ends. */
class IntakeBudgetTest {

    @Test
    void refusesWorkPastTheBudgetAndReleasesWhenWorkEnds() {
        IntakeBudget budget = new IntakeBudget(100);
        CompletableFuture<String> first = new CompletableFuture<>();
        Uni<String> held = budget.within(70, () -> Uni.createFrom().completionStage(first));
        CompletableFuture<String> result = held.subscribeAsCompletionStage();
        assertThat(budget.available()).isEqualTo(30);

        assertThatThrownBy(() -> budget.within(40, () -> Uni.createFrom().item("x")).await().indefinitely())
                .isInstanceOf(ServiceBusyException.class)
                .satisfies(e -> assertThat(((ServiceBusyException) e).retryAfterSeconds()).isPositive());
        assertThat(budget.within(30, () -> Uni.createFrom().item("fits")).await().indefinitely()).isEqualTo("fits");

        first.complete("done");
        assertThat(result.join()).isEqualTo("done");
        assertThat(budget.available()).isEqualTo(100);
    }

    @Test
    void releasesOnFailureOnThrowAndOnCancellation() {
        IntakeBudget budget = new IntakeBudget(100);
        assertThatThrownBy(() -> budget.within(60, () -> Uni.createFrom().failure(new IllegalStateException("boom")))
                .await().indefinitely()).hasMessage("boom");
        assertThat(budget.available()).isEqualTo(100);

        assertThatThrownBy(() -> budget.within(60, () -> {
            throw new IllegalArgumentException("thrown while starting");
        }).await().indefinitely()).hasMessage("thrown while starting");
        assertThat(budget.available()).isEqualTo(100);

        Cancellable pending = budget.within(60, () -> Uni.createFrom().nothing()).subscribe().with(x -> { });
        assertThat(budget.available()).isEqualTo(40);
        pending.cancel();
        assertThat(budget.available()).isEqualTo(100);
    }

    @Test
    void oneFileLargerThanTheWholeBudgetPassesWhenNothingElseIsIn() {
        IntakeBudget budget = new IntakeBudget(100);
        assertThat(budget.within(500, () -> Uni.createFrom().item(1)).await().indefinitely()).isEqualTo(1);
        CompletableFuture<Integer> hold = new CompletableFuture<>();
        budget.within(10, () -> Uni.createFrom().completionStage(hold)).subscribeAsCompletionStage();
        assertThatThrownBy(() -> budget.within(500, () -> Uni.createFrom().item(1)).await().indefinitely())
                .isInstanceOf(ServiceBusyException.class);
        hold.complete(0);
    }
}
