package dev.pixmill.accounts;

import dev.pixmill.error.ConflictException;
import dev.pixmill.error.InsufficientCreditsException;
import dev.pixmill.support.Accounts;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ledger against the real database: every movement, refunds once, and races for the last credit. */
@QuarkusTest
class CreditLedgerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    CreditLedger ledger;

    @Inject
    Pool pool;

    @Test
    void everyMovementIsALedgerEntryWithTheBalanceAfterIt() {
        UUID key = newKey(10);
        UUID task = UUID.randomUUID();

        LedgerEntry topUp = ledger.topUp(key, 5, "  invoice 42  ").await().atMost(WAIT);
        assertThat(topUp.kind()).isEqualTo("top_up");
        assertThat(topUp.amount()).isEqualTo(5);
        assertThat(topUp.balanceAfter()).isEqualTo(15);
        assertThat(topUp.reason()).isEqualTo("invoice 42");
        assertThat(topUp.subjectId()).isNull();

        LedgerEntry charge = ledger.charge(key, 3, "imgcompress 640x480", task).await().atMost(WAIT);
        assertThat(charge.kind()).isEqualTo("charge");
        assertThat(charge.amount()).isEqualTo(-3);
        assertThat(charge.balanceAfter()).isEqualTo(12);
        assertThat(charge.subjectId()).isEqualTo(task);
        assertThat(ledger.balance(key).await().atMost(WAIT)).isEqualTo(12);

        Optional<LedgerEntry> refund = ledger.refund(task, "the task failed").await().atMost(WAIT);
        assertThat(refund).get().satisfies(r -> {
            assertThat(r.kind()).isEqualTo("refund");
            assertThat(r.amount()).isEqualTo(3);
            assertThat(r.balanceAfter()).isEqualTo(15);
            assertThat(r.subjectId()).isEqualTo(task);
            assertThat(r.refundOf()).isEqualTo(charge.id());
        });
        assertThat(ledger.refund(task, "again").await().atMost(WAIT)).as("refunded once").isEmpty();
        assertThat(ledger.refund(UUID.randomUUID(), "never charged").await().atMost(WAIT)).isEmpty();

        List<LedgerEntry> entries = ledger.entries(key, 10, null).await().atMost(WAIT);
        assertThat(entries).extracting(LedgerEntry::kind).containsExactly("refund", "charge", "top_up", "grant");
        assertThat(entries).extracting(LedgerEntry::balanceAfter).containsExactly(15L, 12L, 15L, 10L);
        assertThat(entries.getLast().reason()).isEqualTo("initial credits, given at creation");
        assertThat(ledger.entries(key, 2, entries.get(1).id()).await().atMost(WAIT))
                .extracting(LedgerEntry::kind).containsExactly("top_up", "grant");
    }

    @Test
    void aSubjectIsChargedOnceAndAShortBalanceChangesNothing() {
        UUID key = newKey(3);
        UUID task = UUID.randomUUID();
        ledger.charge(key, 1, "first", task).await().atMost(WAIT);
        assertThatThrownBy(() -> ledger.charge(key, 1, "second", task).await().atMost(WAIT))
                .isInstanceOf(ConflictException.class).hasMessageContaining("paid for already");

        assertThatThrownBy(() -> ledger.charge(key, 5, "too much", UUID.randomUUID()).await().atMost(WAIT))
                .isInstanceOfSatisfying(InsufficientCreditsException.class, e -> {
                    assertThat(e.status()).isEqualTo(402);
                    assertThat(e.code()).isEqualTo("insufficient_credits");
                    assertThat(e.needed()).isEqualTo(5);
                    assertThat(e.balance()).isEqualTo(2);
                });
        assertThat(ledger.balance(key).await().atMost(WAIT)).isEqualTo(2);
        assertThat(ledger.entries(key, 10, null).await().atMost(WAIT)).extracting(LedgerEntry::kind)
                .containsExactly("charge", "grant");
    }

    @Test
    void severalChargesAreTakenAllOrNothing() {
        UUID key = newKey(10);
        List<CreditLedger.Charge> four = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            four.add(new CreditLedger.Charge(5, "generate premium image " + i, UUID.randomUUID()));
        }
        assertThatThrownBy(() -> pool.withTransaction(tx -> ledger.charge(tx, key, four)).await().atMost(WAIT))
                .isInstanceOf(InsufficientCreditsException.class).hasMessageContaining("costs 20 credits");
        assertThat(ledger.balance(key).await().atMost(WAIT)).isEqualTo(10);

        List<LedgerEntry> two = pool.withTransaction(tx -> ledger.charge(tx, key, four.subList(0, 2)))
                .await().atMost(WAIT);
        assertThat(two).extracting(LedgerEntry::balanceAfter).containsExactly(5L, 0L);
        assertThat(ledger.balance(key).await().atMost(WAIT)).isZero();
    }

    @Test
    void concurrentChargesForTheLastCreditsNeverOverdraw() throws Exception {
        UUID key = newKey(7);
        int racers = 24;
        List<Uni<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            attempts.add(ledger.charge(key, 1, "race", UUID.randomUUID()).map(e -> true)
                    .onFailure(InsufficientCreditsException.class).recoverWithItem(false));
        }
        // every charge is in flight at once, each on its own connection of the pool
        List<Boolean> won = Uni.join().all(attempts).andFailFast().await().atMost(WAIT);
        assertThat(won.stream().filter(w -> w).count()).isEqualTo(7);
        assertThat(ledger.balance(key).await().atMost(WAIT)).isZero();
        List<LedgerEntry> charges = ledger.entries(key, 100, null).await().atMost(WAIT).stream()
                .filter(e -> e.kind().equals("charge")).toList();
        assertThat(charges).hasSize(7);
        assertThat(charges).extracting(LedgerEntry::balanceAfter).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L);

        // and from threads racing through separate transactions, a cost of 2 against a balance of 5
        UUID other = newKey(5);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Boolean>> raced = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                raced.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                        ledger.charge(other, 2, "race of two", UUID.randomUUID()).await().atMost(WAIT);
                        return true;
                    } catch (InsufficientCreditsException e) {
                        return false;
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, threads));
            }
            start.countDown();
            long succeeded = 0;
            for (CompletableFuture<Boolean> f : raced) {
                succeeded += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(succeeded).isEqualTo(2);
            assertThat(ledger.balance(other).await().atMost(WAIT)).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void concurrentRefundsOfOneChargeGiveItBackOnce() {
        UUID key = newKey(4);
        UUID task = UUID.randomUUID();
        ledger.charge(key, 4, "task", task).await().atMost(WAIT);
        List<Uni<Optional<LedgerEntry>>> refunds = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            refunds.add(ledger.refund(task, "failed"));
        }
        List<Optional<LedgerEntry>> done = Uni.join().all(refunds).andFailFast().await().atMost(WAIT);
        assertThat(done.stream().filter(Optional::isPresent).count()).isEqualTo(1);
        assertThat(ledger.balance(key).await().atMost(WAIT)).isEqualTo(4);
    }

    @Test
    void theBalanceCannotGoNegativeEvenByHand() {
        UUID key = newKey(1);
        assertThatThrownBy(() -> pool.preparedQuery("update credit_balances set balance = -1 where key_id = $1")
                .execute(Tuple.of(key)).await().atMost(WAIT)).hasMessageContaining("credit_balances_balance_check");
    }

    private static UUID newKey(long credits) {
        return UUID.fromString(Accounts.createKey("ledger", "free", credits).getString("id"));
    }
}
