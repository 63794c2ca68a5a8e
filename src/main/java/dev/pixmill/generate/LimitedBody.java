package dev.pixmill.generate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * An answer body read into memory up to a limit: past it (or when Content-Length already says
 * more) the read stops and the body fails with {@link TooLarge}; nothing more is taken in. The
 * pieces are kept as they came, so a large answer is not copied while it grows; it is read as a
 * stream (a base64 image decoded straight out of its JSON) or, once, as one array.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<LimitedBody.Bytes> {

    static final class TooLarge extends IOException {
        TooLarge() {
            super("the answer is larger than the limit");
        }
    }

    /** The pieces of a body. */
    record Bytes(List<byte[]> pieces, long size) {

        InputStream stream() {
            List<InputStream> streams = new ArrayList<>(pieces.size());
            pieces.forEach(p -> streams.add(new ByteArrayInputStream(p)));
            return new SequenceInputStream(Collections.enumeration(streams));
        }

        byte[] array() {
            if (pieces.size() == 1) {
                return pieces.getFirst();
            }
            byte[] all = new byte[(int) size];
            int at = 0;
            for (byte[] p : pieces) {
                System.arraycopy(p, 0, all, at, p.length);
                at += p.length;
            }
            return all;
        }
    }

    private final CompletableFuture<Bytes> result = new CompletableFuture<>();
    private final List<byte[]> pieces = new ArrayList<>();
    private final long max;
    private final boolean declaredTooLarge;
    private long size;
    private Flow.Subscription subscription;

    private LimitedBody(long max, boolean declaredTooLarge) {
        this.max = max;
        this.declaredTooLarge = declaredTooLarge;
    }

    static HttpResponse.BodyHandler<Bytes> handler(long max) {
        return info -> new LimitedBody(max, info.headers().firstValueAsLong("Content-Length").orElse(-1) > max);
    }

    @Override
    public CompletionStage<Bytes> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (declaredTooLarge) {
            s.cancel();
            result.completeExceptionally(new TooLarge());
            return;
        }
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer item : items) {
            if (size + item.remaining() > max) {
                subscription.cancel();
                result.completeExceptionally(new TooLarge());
                return;
            }
            byte[] piece = new byte[item.remaining()];
            item.get(piece);
            pieces.add(piece);
            size += piece.length;
        }
    }

    @Override
    public void onError(Throwable failure) {
        result.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        result.complete(new Bytes(List.copyOf(pieces), size));
    }
}
