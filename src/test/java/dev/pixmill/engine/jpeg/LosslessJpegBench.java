package dev.pixmill.engine.jpeg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Time and native memory of the pass on a real file; off unless asked for:
 * {@code -Dtest=LosslessJpegBench -Dpixmill.bench.jpeg=/path/to/photo.jpg}. Peak RSS is measured
 * from a reset high-water mark (Linux {@code /proc/self/clear_refs}), so it is the pass alone.
 */
@EnabledIfSystemProperty(named = "pixmill.bench.jpeg", matches = ".+")
class LosslessJpegBench {

    @Test
    void measure() throws Exception {
        byte[] in = Files.readAllBytes(Path.of(System.getProperty("pixmill.bench.jpeg")));
        byte[] coded = TurboJpeg.progressive(in).orElseThrow();
        byte[] out = LosslessJpeg.recode(in, false).orElseThrow();
        System.out.printf("input %d bytes, progressive %d (%.1f %%), stripped %d (%.1f %%)%n", in.length,
                coded.length, 100.0 * (coded.length - in.length) / in.length, out.length,
                100.0 * (out.length - in.length) / in.length);
        report("tjTransform", () -> TurboJpeg.progressive(in));
        report("pixel check", () -> PixelEquality.same(in, coded));
        report("recode (all)", () -> LosslessJpeg.recode(in, false));
    }

    private static void report(String what, Supplier<?> run) throws Exception {
        for (int i = 0; i < 2; i++) {
            run.get();
        }
        long[] ms = new long[7];
        long peak = 0;
        for (int i = 0; i < ms.length; i++) {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            long before = status("VmRSS");
            long t0 = System.nanoTime();
            run.get();
            ms[i] = (System.nanoTime() - t0) / 1_000_000;
            peak = Math.max(peak, status("VmHWM") - before);
        }
        Arrays.sort(ms);
        System.out.printf("%-13s median %d ms (min %d, max %d), peak RSS +%d MB%n", what, ms[ms.length / 2], ms[0],
                ms[ms.length - 1], peak / 1024);
    }

    private static long status(String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }
}
