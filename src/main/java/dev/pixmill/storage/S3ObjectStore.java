package dev.pixmill.storage;

import io.netty.buffer.Unpooled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.buffer.Buffer;
import mutiny.zero.flow.adapters.AdaptersToFlow;
import mutiny.zero.flow.adapters.AdaptersToReactiveStreams;
import org.reactivestreams.Subscriber;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Objects in an S3 bucket (AWS, or any S3-compatible server: MinIO, Ceph, R2, ...), under an
 * optional key prefix. The SDK's asynchronous client on its own Netty event loops streams both
 * ways with back-pressure; calls are started on worker threads because signing a body hashes it
 * and the default credential chain may do I/O, neither of which may run on an event loop.
 */
public final class S3ObjectStore implements ObjectStore {

    private final S3AsyncClient client;
    private final String bucket;
    private final String prefix;
    private final boolean createBucket;

    public S3ObjectStore(StorageConfig.S3 config) {
        this.bucket = config.bucket().filter(b -> !b.isBlank()).orElseThrow(() -> new IllegalStateException(
                "pixmill.storage.backend=s3 needs pixmill.storage.s3.bucket"));
        this.createBucket = config.createBucket();
        this.prefix = config.prefix().map(p -> p.isEmpty() || p.endsWith("/") ? p : p + "/").orElse("");
        S3AsyncClientBuilder builder = S3AsyncClient.builder()
                .region(Region.of(config.region()))
                .forcePathStyle(config.pathStyle())
                .credentialsProvider(credentials(config))
                // checksums only where S3 requires them: several S3-compatible servers refuse the newer trailers
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(config.maxConnections())
                        .eventLoopGroupBuilder(SdkEventLoopGroup.builder().numberOfThreads(2)));
        config.endpoint().ifPresent(builder::endpointOverride);
        this.client = builder.build();
    }

    private static AwsCredentialsProvider credentials(StorageConfig.S3 config) {
        if (config.accessKeyId().isPresent() != config.secretAccessKey().isPresent()) {
            throw new IllegalStateException("pixmill.storage.s3.access-key-id and secret-access-key go together");
        }
        if (config.accessKeyId().isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKeyId().get(),
                    config.secretAccessKey().get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    private String full(String key) {
        return prefix + key;
    }

    @Override
    public Uni<Void> put(String key, Body body) {
        AsyncRequestBody request = switch (body) {
            case Body.Bytes bytes -> AsyncRequestBody.fromBytesUnsafe(bytes.data()); // no copy: we never change it
            case Body.File file -> AsyncRequestBody.fromFile(file.path());
            case Body.Stream stream -> new KnownLength(stream);
        };
        return call(() -> client.putObject(b -> b.bucket(bucket).key(full(key)).contentLength(body.length()), request))
                .replaceWithVoid();
    }

    /** A streamed body whose length is announced up front, so the SDK sends it as it comes. */
    private record KnownLength(Body.Stream stream) implements AsyncRequestBody {

        @Override
        public Optional<Long> contentLength() {
            return Optional.of(stream.length());
        }

        @Override
        public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
            AdaptersToReactiveStreams.publisher(stream.pieces().map(piece -> piece.getByteBuf().nioBuffer()))
                    .subscribe(subscriber);
        }
    }

    @Override
    public Multi<Buffer> read(String key) {
        return call(() -> client.getObject(b -> b.bucket(bucket).key(full(key)), AsyncResponseTransformer.toPublisher()))
                .onFailure(S3ObjectStore::notFound).transform(e -> new ObjectMissingException(key, e))
                .onItem().transformToMulti(publisher -> Multi.createFrom().publisher(AdaptersToFlow.publisher(publisher)))
                // the SDK hands over fresh buffers: wrapped, not copied
                .map(piece -> Buffer.buffer(Unpooled.wrappedBuffer(piece)));
    }

    @Override
    public Uni<Long> size(String key) {
        return call(() -> client.headObject(b -> b.bucket(bucket).key(full(key))))
                .map(head -> head.contentLength())
                .onFailure(S3ObjectStore::notFound).recoverWithNull();
    }

    @Override
    public Uni<Void> delete(String key) {
        return call(() -> client.deleteObject(b -> b.bucket(bucket).key(full(key)))).replaceWithVoid();
    }

    @Override
    public Multi<Listed> list(String keyPrefix) {
        return Multi.createFrom().publisher(AdaptersToFlow.publisher(
                        client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(full(keyPrefix))).contents()))
                .map(o -> new Listed(o.key().substring(prefix.length()), o.size(), o.lastModified()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    @Override
    public Uni<Void> ready() {
        Uni<Void> there = call(() -> client.headBucket(b -> b.bucket(bucket))).replaceWithVoid();
        if (!createBucket) {
            return there;
        }
        // a bucket another replica made meanwhile is as good as our own
        return there.onFailure(S3ObjectStore::notFound).recoverWithUni(() -> call(() -> client.createBucket(b -> b.bucket(bucket)))
                .replaceWithVoid()
                .onFailure(e -> e instanceof BucketAlreadyOwnedByYouException || e instanceof BucketAlreadyExistsException)
                .recoverWithNull());
    }

    @Override
    public String describe() {
        return "s3 bucket " + bucket + (prefix.isEmpty() ? "" : " under " + prefix);
    }

    @Override
    public void close() {
        client.close();
    }

    private static boolean notFound(Throwable e) {
        return e instanceof NoSuchKeyException || (e instanceof S3Exception s3 && s3.statusCode() == 404);
    }

    private static <T> Uni<T> call(Supplier<CompletableFuture<T>> request) {
        return Uni.createFrom().completionStage(request)
                .onFailure(CompletionException.class).transform(e -> e.getCause() == null ? e : e.getCause())
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
