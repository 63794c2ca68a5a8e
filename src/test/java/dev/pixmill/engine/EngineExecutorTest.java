package dev.pixmill.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pixmill.error.ServiceBusyException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EngineExecutorTest {

    @Test
    void fullQueueAnswersBusy() throws Exception {
        EngineExecutor ex = new EngineExecutor(1, 2, 3);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            ex.submit(() -> {
                started.countDown();
                release.await();
                return 1;
            }).subscribe().with(x -> { });
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            ex.submit(() -> 2).subscribe().with(x -> { });
            ex.submit(() -> 3).subscribe().with(x -> { });
            assertThat(ex.activeCount()).isEqualTo(1);
            assertThat(ex.queueDepth()).isEqualTo(2);
            assertThatThrownBy(() -> ex.submit(() -> 4).await().atMost(Duration.ofSeconds(5)))
                    .isInstanceOf(ServiceBusyException.class)
                    .satisfies(e -> assertThat(((ServiceBusyException) e).retryAfterSeconds()).isEqualTo(3));
        } finally {
            release.countDown();
        }
        long until = System.nanoTime() + 5_000_000_000L;
        while ((ex.queueDepth() > 0 || ex.activeCount() > 0) && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(ex.submit(() -> 5).await().atMost(Duration.ofSeconds(5))).isEqualTo(5);
        ex.shutdown();
    }

    @Test
    void stoppingDoesNotWaitForAConversionThatOutlivesTheGrace() throws Exception {
        // a conversion in native code ignores interrupts; the worker has given its job back by now
        EngineExecutor ex = new EngineExecutor(1, 2, 3);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ex.submitClaimed(() -> {
            started.countDown();
            long until = System.nanoTime() + 20_000_000_000L;
            while (release.getCount() > 0 && System.nanoTime() < until) {
                try {
                    release.await(until - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException ignored) {
                    // as uninterruptible as a libvips call
                }
            }
            return 1;
        }).subscribe().with(x -> { }, e -> { });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        try {
            ex.shutdown();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3)); // STOP_WAIT and a margin
        } finally {
            release.countDown();
        }
    }

    @Test
    void requestWorkRunsBeforeWaitingClaimedJobs() throws Exception {
        EngineExecutor ex = new EngineExecutor(1, 4, 2);
        java.util.List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        CountDownLatch done = new CountDownLatch(4);
        java.util.concurrent.atomic.AtomicInteger doneCalls = new java.util.concurrent.atomic.AtomicInteger();
        ex.onRequestWorkDone(doneCalls::incrementAndGet);
        CountDownLatch release = occupyTheOnlyWorker(ex);
        try {
            for (String name : new String[] { "claimed-1", "claimed-2" }) {
                ex.submitClaimed(() -> order.add(name)).subscribe().with(x -> done.countDown());
            }
            for (String name : new String[] { "request-1", "request-2" }) {
                ex.submit(() -> order.add(name)).subscribe().with(x -> done.countDown());
            }
            assertThat(ex.waitingRequests()).isEqualTo(2);
        } finally {
            release.countDown();
        }
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        // a client waits for request work; claimed jobs only wait in the shared queue a little longer
        assertThat(order).containsExactly("request-1", "request-2", "claimed-1", "claimed-2");
        assertThat(ex.waitingRequests()).isZero();
        assertThat(doneCalls.get()).isEqualTo(2);
        ex.shutdown();
    }

    @Test
    void cancelledWaitingRequestIsNoLongerCounted() throws Exception {
        EngineExecutor ex = new EngineExecutor(1, 4, 2);
        CountDownLatch release = occupyTheOnlyWorker(ex);
        try {
            var waiting = ex.submit(() -> 1).subscribe().with(x -> { });
            assertThat(ex.waitingRequests()).isEqualTo(1);
            waiting.cancel();
            assertThat(ex.waitingRequests()).isZero();
            assertThat(ex.queueDepth()).isZero();
        } finally {
            release.countDown();
        }
        ex.shutdown();
    }

    @Test
    void claimedJobsAreNeverRefusedWhenRequestWorkFillsThePool() throws Exception {
        EngineExecutor ex = new EngineExecutor(1, 1, 2);
        // the worker is busy with a claimed job; request work takes every place it may
        CountDownLatch release = occupyTheOnlyWorker(ex);
        try {
            ex.submit(() -> 1).subscribe().with(x -> { });
            ex.submit(() -> 2).subscribe().with(x -> { });
            assertThatThrownBy(() -> ex.submit(() -> 3).await().atMost(Duration.ofSeconds(5)))
                    .isInstanceOf(ServiceBusyException.class);
            // the next claimed job still gets in
            var claimed = ex.submitClaimed(() -> 4).subscribeAsCompletionStage();
            release.countDown();
            assertThat(claimed.get(5, TimeUnit.SECONDS)).isEqualTo(4);
        } finally {
            release.countDown();
            ex.shutdown();
        }
    }

    @Test
    void runsEngineWorkAndPropagatesErrors() {
        EngineExecutor ex = new EngineExecutor(2, 4, 1);
        ImageEngine engine = new ImageEngine();
        byte[] png = Fixtures.png(Fixtures.base(96, 64));
        EngineResult r = ex.submit(() -> engine.convert(png, Fixtures.spec(ImageFormat.WEBP, 10, 10)))
                .await().atMost(Duration.ofSeconds(20));
        assertThat(r.width()).isEqualTo(10);
        assertThatThrownBy(() -> ex.submit(() -> engine.probe(new byte[0], Fixtures.LIMITS))
                .await().atMost(Duration.ofSeconds(5))).isInstanceOf(dev.pixmill.error.UnsupportedFormatException.class);
        ex.shutdown();
    }

    /** Runs a claimed job on the pool's one worker until the returned latch is released. */
    private static CountDownLatch occupyTheOnlyWorker(EngineExecutor ex) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ex.submitClaimed(() -> {
            started.countDown();
            release.await();
            return 0;
        }).subscribe().with(x -> { });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        return release;
    }
}
