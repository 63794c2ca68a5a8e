package dev.pixmill.web;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A download reads pieces from the database only as fast as the client takes them. */
class DownloadPacingTest {

    @Test
    void aSlowClientHoldsAtMostAFewPiecesInMemory() {
        AtomicLong requested = new AtomicLong();
        Multi<Buffer> pieces = Multi.createFrom().range(0, 1000)
                .onRequest().invoke(requested::addAndGet)
                .map(i -> Buffer.buffer(new byte[16]));
        AssertSubscriber<Buffer> client = StreamedDownload.paced(pieces, Runnable::run)
                .subscribe().withSubscriber(AssertSubscriber.create(1));
        client.awaitItems(1);
        // one taken by the client, at most a couple read ahead; not 256 (emitOn's default)
        assertThat(requested.get()).isLessThanOrEqualTo(3);
        client.request(10);
        client.awaitItems(11);
        assertThat(requested.get()).isLessThanOrEqualTo(13);
    }
}
