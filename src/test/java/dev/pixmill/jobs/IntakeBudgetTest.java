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

    @Test
    void aGrowingReservationIsRefusedOnceTheBudgetIsSpentAndGivesAllBackOnce() {
        IntakeBudget budget = new IntakeBudget(100);
        IntakeBudget.Reservation first = budget.open();
        first.grow(60);
        IntakeBudget.Reservation second = budget.open();
        second.grow(30);
        assertThatThrownBy(() -> second.grow(20)).isInstanceOf(ServiceBusyException.class);
        assertThat(second.held()).isEqualTo(30);
        first.close();
        first.close(); // idempotent
        second.grow(20);
        assertThat(budget.available()).isEqualTo(50);
        second.close();
        assertThat(budget.available()).isEqualTo(100);
    }

    @Test
    void aReservationAloneMayGrowPastTheBudget() {
        IntakeBudget budget = new IntakeBudget(100);
        try (IntakeBudget.Reservation alone = budget.open()) {
            alone.grow(80);
            alone.grow(80); // nothing else is in: one large file still passes
            assertThat(alone.held()).isEqualTo(160);
        }
        assertThat(budget.available()).isEqualTo(100);
    }
}
