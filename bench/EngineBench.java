import dev.pixmill.engine.ConversionSpec;
import dev.pixmill.engine.EngineResult;
import dev.pixmill.engine.ImageEngine;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.ImageLimits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Engine time per image, one thread, as the service runs it (sniff, header limits, shrink-on-load
 * thumbnail, sRGB, encode, copy out). Median of RUNS after WARMUP.
 *
 * usage: java -cp <app classpath> EngineBench.java IMAGE FORMAT [RUNS]
 */
public class EngineBench {

    public static void main(String[] args) throws Exception {
        byte[] input = Files.readAllBytes(Path.of(args[0]));
        ImageFormat format = ImageFormat.fromName(args[1]).orElseThrow();
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        ImageEngine engine = new ImageEngine();
        ConversionSpec spec = new ConversionSpec(format, 80, 1000, 1000, false, false,
                new ImageLimits(64L << 20, 10000, 10000, 100, true), Duration.ofSeconds(60));
        EngineResult last = null;
        for (int i = 0; i < 5; i++) {
            last = engine.convert(input, spec);
        }
        long[] times = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            last = engine.convert(input, spec);
            times[i] = System.nanoTime() - t;
        }
        Arrays.sort(times);
        System.out.printf("engine format=%s median=%.1fms min=%.1fms out=%dx%d %d bytes%n", format.extension(),
                times[runs / 2] / 1e6, times[0] / 1e6, last.width(), last.height(), last.bytes().length);
    }
}
