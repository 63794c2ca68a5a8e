package dev.pixmill.accounts;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.pixmill.error.RateLimitedException;
import dev.pixmill.security.ApiKey;
import dev.pixmill.security.Caller;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The plans' limits, the one place every dialect calls when a request creates work: one request
 * per call (a batch is one) against the per-minute limit, and its images against the daily
 * quota. A call over either limit is refused whole (429) before its work starts, and counts
 * nothing. Reads (status, events, downloads, ZIPs, task documents) are not limited.
 *
 * <p>Every answer of a limited call, success or refusal, carries the request window in
 * {@code X-RateLimit-Limit}, {@code -Remaining} and {@code -Reset} (seconds until the window
 * ends) and the daily quota in {@code X-Quota-Limit}, {@code -Remaining} and {@code -Reset}
 * (seconds until 00:00 UTC).
 */
@ApplicationScoped
public class UsageLimits {

    /** What a caller may do: its plan's numbers, or its key's own. */
    public record Allowance(int requestsPerMinute, int conversionsPerDay) {
    }

    /** A caller's counts in the current windows and its limits (the admin API shows them). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Usage(int requestsThisMinute, int requestsPerMinute, int requestsToday, int conversionsToday,
            int conversionsPerDay, long minuteResetSeconds, long dayResetSeconds) {
    }

    @Inject
    LimitsConfig config;

    @Inject
    RateCounters counters;

    @Inject
    CurrentVertxRequest currentRequest;

    @PostConstruct
    void check() {
        for (var plan : new LimitsConfig.Plan[] { config.anonymous(), config.free(), config.professional() }) {
            if (plan.requestsPerMinute() < 1 || plan.conversionsPerDay() < 1) {
                throw new IllegalStateException("pixmill.limits: every plan's requests-per-minute and "
                        + "conversions-per-day must be at least 1");
            }
        }
        long seconds = config.requestWindow().toSeconds();
        if (seconds < 1 || seconds > 86_400 || config.requestWindow().toMillis() % 1000 != 0) {
            throw new IllegalStateException("pixmill.limits.request-window must be whole seconds, 1 s to 1 day");
        }
    }

    /**
     * Runs {@code work} (the call's work: whatever stores or computes something) if the caller's
     * request and its {@code conversions} images fit its limits, and answers 429 otherwise,
     * before {@code work} starts. If {@code work} fails, the images are given back (the request
     * stays counted): a call answered with an error uses none of the quota.
     */
    public <T> Uni<T> within(Caller caller, int conversions, Supplier<Uni<T>> work) {
        if (!config.enabled()) {
            return Uni.createFrom().deferred(() -> work.get());
        }
        Allowance allowance = allowance(caller);
        HttpServerResponse response = currentResponse();
        return counters.admit(caller.owner(), conversions, allowance.requestsPerMinute(),
                        allowance.conversionsPerDay(), windowSeconds())
                .chain(count -> {
                    Map<String, String> headers = headers(allowance, count);
                    if (!count.admitted()) {
                        return Uni.createFrom().failure(refusal(caller, allowance, count, conversions, headers,
                                windowSeconds()));
                    }
                    put(response, headers);
                    Uni<T> run = Uni.createFrom().deferred(() -> work.get());
                    return conversions == 0 ? run : run.onFailure().call(e -> counters
                            .giveBack(caller.owner(), conversions, count.day())
                            .invoke(left -> {
                                if (left >= 0) {
                                    put(response, Map.of("X-Quota-Remaining",
                                            String.valueOf(Math.max(0, allowance.conversionsPerDay() - left))));
                                }
                            })
                            .onFailure().recoverWithNull());
                });
    }

    /** The caller's limits: its key's {@code limits} where they say, else its plan's. */
    public Allowance allowance(Caller caller) {
        LimitsConfig.Plan plan = switch (caller.plan()) {
            case "anonymous" -> config.anonymous();
            case "professional" -> config.professional();
            default -> config.free();
        };
        return new Allowance(caller.limits().requestsPerMinute().orElse(plan.requestsPerMinute()),
                caller.limits().conversionsPerDay().orElse(plan.conversionsPerDay()));
    }

    /** Requests this minute and today, conversions today, and the limits they count against. */
    public Uni<Usage> usage(Caller caller) {
        Allowance allowance = allowance(caller);
        return counters.read(caller.owner(), windowSeconds()).map(c -> new Usage(c.requests(),
                allowance.requestsPerMinute(), c.requestsToday(), c.conversionsToday(), allowance.conversionsPerDay(),
                c.windowResetSeconds(), c.dayResetSeconds()));
    }

    /** {@link #usage(Caller)} of a key (revoked or not). */
    public Uni<Usage> usage(ApiKey key) {
        return usage(Caller.of(key));
    }

    private int windowSeconds() {
        return (int) config.requestWindow().toSeconds();
    }

    static Map<String, String> headers(Allowance allowance, RateCounters.Count count) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-RateLimit-Limit", String.valueOf(allowance.requestsPerMinute()));
        headers.put("X-RateLimit-Remaining", String.valueOf(Math.max(0, allowance.requestsPerMinute() - count.requests())));
        headers.put("X-RateLimit-Reset", String.valueOf(count.windowResetSeconds()));
        headers.put("X-Quota-Limit", String.valueOf(allowance.conversionsPerDay()));
        headers.put("X-Quota-Remaining",
                String.valueOf(Math.max(0, allowance.conversionsPerDay() - count.conversionsToday())));
        headers.put("X-Quota-Reset", String.valueOf(count.dayResetSeconds()));
        return headers;
    }

    /** Over the quota if the images do not fit what is left today; else over the request limit. */
    static RateLimitedException refusal(Caller caller, Allowance allowance, RateCounters.Count count,
            int conversions, Map<String, String> headers, int windowSeconds) {
        String who = caller.anonymous() ? "for anonymous callers (counted by client address)" : "for this API key";
        if (count.conversionsToday() + conversions > allowance.conversionsPerDay()) {
            String why = conversions > allowance.conversionsPerDay()
                    ? "this request needs " + conversions + " conversions, more than the daily quota of "
                            + allowance.conversionsPerDay() + " " + who
                    : "the daily quota of " + allowance.conversionsPerDay() + " conversions " + who + " is used up: "
                            + count.conversionsToday() + " used today and this request needs " + conversions;
            return new RateLimitedException("quota_exceeded", why + "; it resets at 00:00 UTC, in "
                    + duration(count.dayResetSeconds()), count.dayResetSeconds(), headers);
        }
        String window = switch (windowSeconds) {
            case 60 -> "minute";
            case 3600 -> "hour";
            default -> windowSeconds + " s";
        };
        return new RateLimitedException("rate_limited", "too many requests: at most " + allowance.requestsPerMinute()
                + " per " + window + " " + who + "; retry in " + duration(count.windowResetSeconds()),
                count.windowResetSeconds(), headers);
    }

    private static String duration(long seconds) {
        if (seconds < 120) {
            return seconds + " s";
        }
        long minutes = (seconds + 59) / 60;
        return minutes < 60 ? minutes + " min" : minutes / 60 + " h " + minutes % 60 + " min";
    }

    /** The answer of the request being served, to carry the headers; null outside a request. */
    private HttpServerResponse currentResponse() {
        try {
            RoutingContext routing = currentRequest.getCurrent();
            return routing == null ? null : routing.response();
        } catch (ContextNotActiveException e) {
            return null;
        }
    }

    private static void put(HttpServerResponse response, Map<String, String> headers) {
        if (response != null && !response.headWritten()) {
            headers.forEach(response::putHeader);
        }
    }
}
