import dev.pixmill.engine.Compression;
import dev.pixmill.engine.ConversionSpec;
import dev.pixmill.engine.EngineResult;
import dev.pixmill.engine.ImageEngine;
import dev.pixmill.engine.ImageFormat;
import dev.pixmill.engine.ImageLimits;
import dev.pixmill.engine.compress.Luma;
import dev.pixmill.engine.compress.Ssim;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Compression figures on a corpus, one thread, through the engine as the dialects call it:
 *   photos: bytes and SSIM of optimize level 10 and smart quality medium against a plain q80 encode
 *           of the same resized image (fit inside BOX), for JPEG and WebP output;
 *   graphics: PNG level 10 against libvips' default PNG save of the same image;
 *   target size: encodes and milliseconds per search on each photo at full size.
 * SSIM is Pixmill's own metric (luma, 11x11 Gaussian) against a lossless PNG of the resized image.
 * Times are wall ms and, in brackets, the process's CPU ms (steadier on a shared machine; it
 * includes libvips' worker thread, and the JIT and GC).
 *
 * usage: java -cp <app classpath> CompressBench.java PHOTO_DIR GRAPHICS_DIR [BOX] [TARGET_KB] [PARTS]
 *   PARTS: comma-separated subset of jpg,webp,graphics,target (all by default)
 */
public class CompressBench {

    static final ImageLimits LIMITS = new ImageLimits(64L << 20, 10000, 10000, 100, true);
    static ImageEngine engine;

    public static void main(String[] args) throws Exception {
        engine = new ImageEngine();
        int box = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        int targetKb = args.length > 3 ? Integer.parseInt(args[3]) : 300;
        List<Path> photos = files(Path.of(args[0]));
        List<Path> graphics = files(Path.of(args[1]));
        List<String> parts = List.of((args.length > 4 ? args[4] : "jpg,webp,graphics,target").split(","));
        for (ImageFormat f : List.of(ImageFormat.JPEG, ImageFormat.WEBP)) {
            if (parts.contains(f.extension())) {
                photos(photos, f, box);
            }
        }
        if (parts.contains("graphics")) {
            graphics(graphics, box);
        }
        if (parts.contains("target")) {
            targets(photos, targetKb);
        }
    }

    static void photos(List<Path> photos, ImageFormat format, int box) throws Exception {
        System.out.printf("== photos -> %s, fit %dx%d: bytes and SSIM against q80 ==%n", format.extension(), box, box);
        System.out.printf("%-28s %9s %6s | %9s %6s %5s %14s %3s | %9s %6s %5s %6s %3s%n", "image", "q80", "ssim",
                "level10", "ssim", "x", "ms [cpu]", "enc", "smart-med", "ssim", "x", "ms", "enc");
        run(Files.readAllBytes(photos.get(0)), format, box, Compression.level(10)); // warm-up: JIT, libvips
        double sumL = 0, sumS = 0, dL = 0, dS = 0, worstL = 0, worstS = 0, msL = 0, cpuL = 0, encL = 0;
        for (Path p : photos) {
            byte[] in = Files.readAllBytes(p);
            byte[] ref = run(in, ImageFormat.PNG, box, null).bytes();
            EngineResult q80 = run(in, format, box, null);
            long t0 = System.nanoTime();
            long c0 = cpuNanos();
            EngineResult l10 = run(in, format, box, Compression.level(10));
            long t1 = System.nanoTime();
            double cpu = (cpuNanos() - c0) / 1e6;
            EngineResult med = run(in, format, box, Compression.smart(Compression.Smart.MEDIUM));
            long t2 = System.nanoTime();
            double s80 = ssim(ref, q80.bytes()), sl = ssim(ref, l10.bytes()), sm = ssim(ref, med.bytes());
            double rl = (double) l10.bytes().length / q80.bytes().length;
            double rm = (double) med.bytes().length / q80.bytes().length;
            sumL += rl; sumS += rm; dL += s80 - sl; dS += s80 - sm;
            worstL = Math.max(worstL, s80 - sl); worstS = Math.max(worstS, s80 - sm);
            msL += (t1 - t0) / 1e6; cpuL += cpu; encL += l10.report().encodes();
            System.out.printf("%-28s %9d %6.4f | %9d %6.4f %5.2f %6.0f [%5.0f] %3d | %9d %6.4f %5.2f %6.0f %3d%n", name(p),
                    q80.bytes().length, s80, l10.bytes().length, sl, rl, (t1 - t0) / 1e6, cpu, l10.report().encodes(),
                    med.bytes().length, sm, rm, (t2 - t1) / 1e6, med.report().encodes());
        }
        int n = photos.size();
        System.out.printf(Locale.ROOT, "mean: level10 %.3fx q80 bytes, SSIM %.4f below (worst %.4f), %.0f ms [cpu %.0f], %.1f encodes; "
                + "smart-medium %.3fx, SSIM %.4f below (worst %.4f)%n%n", sumL / n, dL / n, worstL, msL / n, cpuL / n, encL / n,
                sumS / n, dS / n, worstS);
    }

    static void graphics(List<Path> graphics, int box) throws Exception {
        System.out.printf("== graphics -> png, fit %dx%d: level 10 and level 1 against libvips' default PNG save ==%n", box, box);
        double sum10 = 0, sum1 = 0;
        for (Path p : graphics) {
            byte[] in = Files.readAllBytes(p);
            EngineResult plain = run(in, ImageFormat.PNG, box, null);
            long t0 = System.nanoTime();
            EngineResult l1 = run(in, ImageFormat.PNG, box, Compression.level(1));
            long t1 = System.nanoTime();
            EngineResult l10 = run(in, ImageFormat.PNG, box, Compression.level(10));
            long t2 = System.nanoTime();
            double r1 = (double) l1.bytes().length / plain.bytes().length;
            double r10 = (double) l10.bytes().length / plain.bytes().length;
            sum1 += r1; sum10 += r10;
            System.out.printf("%-28s %dx%d default %9d | level1 %9d %5.2f %5.0f ms | level10 %9d %5.2f ssim %6.4f %5.0f ms (%s)%n",
                    name(p), plain.width(), plain.height(), plain.bytes().length, l1.bytes().length, r1, (t1 - t0) / 1e6,
                    l10.bytes().length, r10, ssim(plain.bytes(), l10.bytes()), (t2 - t1) / 1e6, l10.report().pass());
        }
        int n = graphics.size();
        System.out.printf(Locale.ROOT, "mean: level1 %.2fx, level10 %.2fx the default PNG bytes%n%n", sum1 / n, sum10 / n);
    }

    static void targets(List<Path> photos, int kb) throws Exception {
        System.out.printf("== target size %d KB, full size, JPEG: encodes and time per search ==%n", kb);
        for (Path p : photos) {
            byte[] in = Files.readAllBytes(p);
            long t0 = System.nanoTime();
            EngineResult r = run(in, ImageFormat.JPEG, null, Compression.targetKb(kb));
            long t1 = System.nanoTime();
            System.out.printf("%-28s %dx%d -> %7d bytes (%.1f%% of target) %d encodes %6.0f ms (%s)%n", name(p),
                    r.width(), r.height(), r.bytes().length, 100.0 * r.bytes().length / (kb * 1024L),
                    r.report().encodes(), (t1 - t0) / 1e6, r.report().pass());
        }
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static EngineResult run(byte[] in, ImageFormat f, Integer box, Compression c) {
        return engine.convert(in, new ConversionSpec(f, 80, box, box, false, false, LIMITS, Duration.ofSeconds(120), c));
    }

    static double ssim(byte[] a, byte[] b) {
        return Ssim.of(Luma.ofEncoded(a, ""), Luma.ofEncoded(b, ""));
    }

    static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    static String name(Path p) {
        String n = p.getFileName().toString();
        return n.length() > 28 ? n.substring(0, 28) : n;
    }
}
