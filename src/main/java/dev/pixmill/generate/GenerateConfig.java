package dev.pixmill.generate;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code pixmill.generate.*}: the image-generation dialect and its providers. */
@ConfigMapping(prefix = "pixmill.generate")
public interface GenerateConfig {

    /** Who makes the images: {@code placeholder} (offline, the default) or {@code openai} (an OpenAI-compatible endpoint). */
    @WithDefault("placeholder")
    String provider();

    /**
     * How long a GET of an image URL waits for the image before it answers 503 with Retry-After;
     * always ends before the request deadline ({@code pixmill.http.request-timeout}).
     */
    @WithName("wait")
    @WithDefault("60s")
    Duration waitFor();

    /** The Retry-After of that 503. */
    @WithDefault("5s")
    Duration retryAfter();

    /**
     * Images one replica generates at once, on slots of their own (a remote provider mostly
     * waits); their image work (rendering, the final fit to the size) runs on the engine pool.
     */
    @WithDefault("4")
    int concurrency();

    /** Longest one image may take, retries included; then it fails. */
    @WithDefault("5m")
    Duration deadline();

    /** JPEG quality of the served images. */
    @WithDefault("90")
    int jpegQuality();

    OpenAi openai();

    /** {@code pixmill.generate.openai.*}: an OpenAI-compatible images endpoint (hosted or a self-hosted model server). */
    interface OpenAi {

        /** e.g. {@code https://api.openai.com} (a trailing {@code /v1} is allowed); required with provider=openai. */
        Optional<String> baseUrl();

        /** Sent as {@code Authorization: Bearer}; none for servers that need no key. */
        Optional<String> apiKey();

        /** The model of {@code model=standard}. */
        @WithDefault("dall-e-3")
        String model();

        /** The model of {@code model=premium}; the standard one when not set. */
        Optional<String> premiumModel();

        /**
         * The sizes the endpoint generates; each request asks for the one nearest in aspect ratio
         * (then the larger), and the result is cropped and scaled to the exact size asked for.
         */
        @WithDefault("1024x1024,1792x1024,1024x1792")
        List<String> sizes();

        /** Sent as {@code response_format}; {@code none} sends no such member (models that always answer b64_json). */
        @WithDefault("b64_json")
        String responseFormat();

        /** Time to connect. */
        @WithDefault("10s")
        Duration connectTimeout();

        /** One try: from the request to the end of the answer (an image URL's download is a try of its own). */
        @WithDefault("120s")
        Duration timeout();

        /** Tries after the first for 429, 5xx, time-outs and connection failures; other answers are final. */
        @WithDefault("3")
        int retries();

        /** The wait before the first retry; it doubles each time up to {@code backoff-max} (a 429's Retry-After is honoured up to it). */
        @WithDefault("2s")
        Duration backoffBase();

        @WithDefault("30s")
        Duration backoffMax();

        /** Largest answer read (the JSON with its base64 image, or a downloaded image). */
        @WithDefault("32M")
        MemorySize maxResponseBytes();
    }
}
