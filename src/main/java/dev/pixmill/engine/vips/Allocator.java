package dev.pixmill.engine.vips;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import org.jboss.logging.Logger;

/**
 * glibc malloc settings for libvips' native memory, applied by the program itself so that a plain
 * {@code java -jar} is as bounded as the launcher. Pixel buffers are large and short-lived:
 * with glibc's dynamic mmap threshold they end up inside the heap arenas after the first few
 * frees and are kept there, so RSS creeps up with every mixed workload. A fixed threshold sends
 * every buffer of {@link #MMAP_THRESHOLD} or more to mmap (returned on free); at most
 * {@link #ARENAS} arenas unless {@code MALLOC_ARENA_MAX} says otherwise; {@link #trim()} after
 * each conversion hands freed pages inside the arenas back to the kernel.
 */
public final class Allocator {

    private static final Logger LOG = Logger.getLogger(Allocator.class);
    static final int M_TRIM_THRESHOLD = -1;
    static final int M_MMAP_THRESHOLD = -3;
    static final int M_ARENA_MAX = -8;
    static final int MMAP_THRESHOLD = 256 * 1024;
    static final int TRIM_THRESHOLD = 1024 * 1024;
    static final int ARENAS = 2;

    private static MethodHandle mallopt;
    private static MethodHandle mallocTrim;

    private Allocator() {
    }

    /** Called once from libvips' initialisation; a libc without these calls (musl) is left alone. */
    static void tune() {
        var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        if (!config.getOptionalValue("pixmill.engine.allocator.tune", Boolean.class).orElse(true)) {
            LOG.info("allocator settings left at glibc's defaults (pixmill.engine.allocator.tune=false)");
            return;
        }
        int threshold = config.getOptionalValue("pixmill.engine.allocator.mmap-threshold", Integer.class)
                .orElse(MMAP_THRESHOLD);
        Linker linker = Linker.nativeLinker();
        var opt = linker.defaultLookup().find("mallopt");
        var trim = linker.defaultLookup().find("malloc_trim");
        if (opt.isEmpty() || trim.isEmpty()) {
            LOG.debug("not glibc: allocator settings left at their defaults");
            return;
        }
        mallopt = Vips.downcall(opt.get(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1);
        mallocTrim = Vips.downcall(trim.get(), FunctionDescriptor.of(JAVA_INT, JAVA_LONG), -1);
        try {
            int ok = (int) mallopt.invokeExact(M_MMAP_THRESHOLD, threshold);
            ok &= (int) mallopt.invokeExact(M_TRIM_THRESHOLD, TRIM_THRESHOLD);
            if (System.getenv("MALLOC_ARENA_MAX") == null) {
                ok &= (int) mallopt.invokeExact(M_ARENA_MAX, ARENAS);
            }
            if (ok == 0) {
                LOG.warn("glibc refused an allocator setting; native memory may grow more than measured");
            }
        } catch (Throwable t) {
            LOG.warnf("allocator settings not applied: %s", t.toString());
        }
    }

    /** Returns free memory at the top of the heap and inside the arenas to the kernel. */
    public static void trim() {
        if (mallocTrim == null) {
            return;
        }
        try {
            int unused = (int) mallocTrim.invokeExact(0L);
        } catch (Throwable t) {
            LOG.debugf("malloc_trim failed: %s", t.toString());
        }
    }
}
