import dev.pixmill.accounts.RateCounters;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * What the limits add to a request: the one statement of a check (accounts/RateCounters), run by
 * the service's own code and driver over a pool like the service's (20 connections, no client-side
 * statement cache: Quarkus' defaults), and, end to end, the same upload with limits on and off.
 *
 * <ul>
 * <li>{@code counters PG_URL USER PASSWORD [N]}: latency percentiles of N sequential checks
 * (a caller's first check of the day, an insert; then a caller seen before, an update; then a
 * refused one), against {@code select 1} on the same pool (the round trip every statement pays)
 * and a plain one-row update committed durably (what the check would cost without its relaxed commit);
 * then 16 checks in flight at once, on one hot caller and on 10 000 callers; then the same with
 * 200 000 callers' rows in the table. Its own rows are deleted at the end.</li>
 * <li>{@code http BASE_URL KEY N PG_URL USER PASSWORD}: N sequential tiny conversions
 * ({@code POST /api/v1/convert}, a 64x48 PNG, queued only: run the service with
 * {@code pixmill.jobs.worker-enabled=false}); p50/p95 of the answer. The conversions it queued are
 * deleted at the end.</li>
 * </ul>
 * usage: java -cp <app classpath> LimitsBench.java counters|http ...
 */
public class LimitsBench {

    static final String PREFIX = "bench:";
    static final int BIG = 1_000_000;

    public static void main(String[] args) throws Exception {
        if (args[0].equals("http")) {
            http(args[1], args[2], Integer.parseInt(args[3]), args[4], args[5], args[6]);
        } else {
            counters(args[1], args[2], args[3], args.length > 4 ? Integer.parseInt(args[4]) : 5000);
        }
    }

    static void counters(String url, String user, String password, int n) throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        Pool pool = pool(vertx, url, user, password);
        try {
            RateCounters counters = new RateCounters(pool);
            // leftovers of an earlier run, and their dead rows, would skew the sizes below
            pool.query("delete from rate_counters where subject like 'bench:%'").execute().await().indefinitely();
            pool.query("vacuum rate_counters").execute().await().indefinitely();
            long[] updatesBefore = updates(pool);
            Uni<?> ping = pool.query("select 1").execute();
            // warm-up: JIT, connections, the server's plan of each statement
            sequential(2000, i -> ping);
            sequential(2000, i -> counters.admit(PREFIX + "warm" + (i % 50), 1, BIG, BIG, 60));

            report("select 1 (round-trip floor)", sequential(n, i -> ping));
            String[] fresh = new String[n];
            for (int i = 0; i < n; i++) {
                fresh[i] = PREFIX + UUID.randomUUID();
            }
            report("check, first of the day (insert)", sequential(n, i -> counters.admit(fresh[i], 1, BIG, BIG, 60)));
            report("check, caller seen today (update)",
                    sequential(n, i -> counters.admit(fresh[i], 1, BIG, BIG, 60)));
            String hot = PREFIX + "hot";
            report("check, one caller over and over", sequential(n, i -> counters.admit(hot, 1, BIG, BIG, 60)));
            // what the check would cost with the server's durable commit: any one-row write pays this
            report("a durable one-row update, for comparison", sequential(n, i -> pool.preparedQuery(
                    "update rate_counters set requests = requests where subject = $1").execute(Tuple.of(hot))));
            // the same with the driver's statement cache (quarkus.datasource.reactive.cache-prepared-statements=true)
            Pool cachedPool = Pool.newInstance(PgBuilder.pool().with(new PoolOptions().setMaxSize(20))
                    .connectingTo(PgConnectOptions.fromUri(url).setUser(user).setPassword(password)
                            .setCachePreparedStatements(true)).using(vertx).build());
            RateCounters cached = new RateCounters(cachedPool);
            sequential(2000, i -> cached.admit(PREFIX + "warm" + (i % 50), 1, BIG, BIG, 60));
            report("check, seen today, statement cache on", sequential(n, i -> cached.admit(fresh[i], 1, BIG, BIG, 60)));
            cachedPool.closeAndAwait();
            counters.admit(PREFIX + "full", 1, 1, BIG, 60).await().indefinitely();
            report("check, refused (limit reached)",
                    sequential(n, i -> counters.admit(PREFIX + "full", 1, 1, BIG, 60)));

            String[] many = new String[10_000];
            for (int i = 0; i < many.length; i++) {
                many[i] = PREFIX + "m" + i;
            }
            concurrent(pool, counters, 16, 10, hot, many);

            // the table at 200 000 callers (rows of today), then the same checks
            pool.query("insert into rate_counters select 'bench:row' || g, date_trunc('minute', now()), 1,"
                    + " (now() at time zone 'utc')::date, 1, 1 from generate_series(1, 200000) g"
                    + " on conflict do nothing").execute().await().indefinitely();
            pool.query("analyze rate_counters").execute().await().indefinitely();
            System.out.printf(Locale.ROOT, "table: %d rows, %s%n", count(pool), size(pool));
            report("200k rows: check, caller seen today (update)",
                    sequential(n, i -> counters.admit(PREFIX + "row" + (1 + i * 37 % 200000), 1, BIG, BIG, 60)));
            report("200k rows: check, first of the day (insert)",
                    sequential(n, i -> counters.admit(fresh[i] + "b", 1, BIG, BIG, 60)));
            concurrent(pool, counters, 16, 10, hot, many);
            Thread.sleep(1000); // the statistics are reported with a delay
            long[] updatesAfter = updates(pool);
            long all = updatesAfter[0] - updatesBefore[0];
            System.out.printf(Locale.ROOT, "checks that updated a row: %d, of which heap-only (HOT, no index "
                    + "touched): %.0f %%%n", all, all == 0 ? 0 : 100.0 * (updatesAfter[1] - updatesBefore[1]) / all);
            long purgeStart = System.nanoTime();
            pool.query("update rate_counters set day = day - 1 where subject like 'bench:row%'").execute()
                    .await().indefinitely();
            int purged = counters.purgePastDays().await().indefinitely();
            System.out.printf(Locale.ROOT, "aged and purged %d rows of a past day in %.0f ms%n", purged,
                    (System.nanoTime() - purgeStart) / 1e6);

        } finally {
            pool.query("delete from rate_counters where subject like 'bench:%'").execute().await().indefinitely();
            pool.query("vacuum rate_counters").execute().await().indefinitely();
            pool.closeAndAwait();
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    /** {@code clients} loops of checks for {@code seconds}, on the hot caller, then spread over {@code many}. */
    static void concurrent(Pool pool, RateCounters counters, int clients, int seconds, String hot, String[] many)
            throws Exception {
        for (boolean spread : new boolean[] { false, true }) {
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            List<Long> all = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            AtomicInteger admitted = new AtomicInteger();
            long start = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    List<Long> mine = new ArrayList<>();
                    while (System.nanoTime() < end) {
                        String subject = spread ? many[ThreadLocalRandom.current().nextInt(many.length)] : hot;
                        long t = System.nanoTime();
                        if (counters.admit(subject, 1, BIG, BIG, 60).await().indefinitely().admitted()) {
                            admitted.incrementAndGet();
                        }
                        mine.add(System.nanoTime() - t);
                    }
                    all.addAll(mine);
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            double took = (System.nanoTime() - start) / 1e9;
            long[] times = all.stream().mapToLong(Long::longValue).toArray();
            Arrays.sort(times);
            System.out.printf(Locale.ROOT, "%d in flight, %s: %.0f checks/s, p50 %.2f ms, p99 %.2f ms%n", clients,
                    spread ? "10 000 callers" : "one hot caller", times.length / took, pct(times, 50), pct(times, 99));
        }
    }

    static void http(String base, String key, int n, String url, String user, String password) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        byte[] png = tinyPng();
        String boundary = "b" + UUID.randomUUID();
        byte[] body = multipart(boundary, png);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/convert"))
                .header("X-API-Key", key).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        IntFunction<Long> once = i -> {
            long t = System.nanoTime();
            try {
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 202) {
                    throw new IllegalStateException("answer " + r.statusCode() + ": " + r.body());
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return System.nanoTime() - t;
        };
        for (int i = 0; i < 200; i++) {
            once.apply(i);
        }
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            times[i] = once.apply(i);
        }
        Arrays.sort(times);
        System.out.printf(Locale.ROOT, "POST /api/v1/convert (64x48 PNG, queued), %d sequential: p50 %.2f ms, "
                + "p95 %.2f ms%n", n, pct(times, 50), pct(times, 95));
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        Pool pool = pool(vertx, url, user, password);
        try {
            pool.preparedQuery("delete from conversions where owner in (select 'key:' || id from api_keys"
                    + " where prefix = $1)").execute(Tuple.of(key.substring(0, 7))).await().indefinitely();
        } finally {
            pool.closeAndAwait();
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    static Pool pool(io.vertx.core.Vertx vertx, String url, String user, String password) {
        PgConnectOptions options = PgConnectOptions.fromUri(url).setUser(user).setPassword(password);
        return Pool.newInstance(PgBuilder.pool().with(new PoolOptions().setMaxSize(20)).connectingTo(options)
                .using(vertx).build());
    }

    static long[] sequential(int n, IntFunction<Uni<?>> call) {
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            call.apply(i).await().indefinitely();
            times[i] = System.nanoTime() - t;
        }
        Arrays.sort(times);
        return times;
    }

    static void report(String what, long[] sorted) {
        System.out.printf(Locale.ROOT, "%-46s p50 %.3f ms  p95 %.3f ms  p99 %.3f ms  (n=%d)%n", what, pct(sorted, 50),
                pct(sorted, 95), pct(sorted, 99), sorted.length);
    }

    static double pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }

    /** Updates of the table so far, and how many of them were heap-only. */
    static long[] updates(Pool pool) {
        var row = pool.query("select n_tup_upd, n_tup_hot_upd from pg_stat_user_tables where relname = 'rate_counters'")
                .execute().await().indefinitely().iterator().next();
        return new long[] { row.getLong(0), row.getLong(1) };
    }

    static long count(Pool pool) {
        return pool.query("select count(*) from rate_counters").execute().await().indefinitely().iterator().next()
                .getLong(0);
    }

    static String size(Pool pool) {
        return pool.query("select pg_size_pretty(pg_total_relation_size('rate_counters'))").execute().await()
                .indefinitely().iterator().next().getString(0);
    }

    static byte[] tinyPng() throws Exception {
        var image = new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
        var out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    static byte[] multipart(String boundary, byte[] png) {
        var out = new java.io.ByteArrayOutputStream();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(png);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
