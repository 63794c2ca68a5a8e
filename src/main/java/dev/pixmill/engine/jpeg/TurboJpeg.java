package dev.pixmill.engine.jpeg;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.pixmill.engine.vips.Vips;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Pixmill's minimal binding of libjpeg-turbo's TurboJPEG 2.1 transform API ({@code libturbojpeg.so.0})
 * over FFM: one lossless transform, entropy layer only. Shapes are linked through
 * {@link Vips#downcall} so the native-image registration knows them.
 *
 * <p>One handle per call: {@code tjInitTransform} only sets up two libjpeg structs (microseconds
 * against hundreds of milliseconds for the transform), a handle carries its own error state and is
 * not thread-safe, and a ThreadLocal handle would never be destroyed when a pooled thread dies.
 */
final class TurboJpeg {

    private static final Logger LOG = Logger.getLogger(TurboJpeg.class);

    // turbojpeg.h (libjpeg-turbo 2.1)
    static final int TJXOP_NONE = 0;
    static final int TJXOPT_PROGRESSIVE = 32;
    static final int TJXOPT_COPYNONE = 64;
    static final int TJFLAG_STOPONWARNING = 8192;
    static final int TJFLAG_LIMITSCANS = 32768;
    static final int TJERR_WARNING = 0;

    /** {@code tjtransform}: tjregion r (x, y, w, h), int op, int options, void *data, customFilter. */
    static final MemoryLayout TJTRANSFORM = MemoryLayout.structLayout(
            JAVA_INT.withName("x"), JAVA_INT.withName("y"), JAVA_INT.withName("w"), JAVA_INT.withName("h"),
            JAVA_INT.withName("op"), JAVA_INT.withName("options"),
            ADDRESS.withName("data"), ADDRESS.withName("customFilter"));
    private static final long OP_OFFSET = 16;
    private static final long OPTIONS_OFFSET = 20;

    private static final Throwable LOAD_FAILURE;
    private static final MethodHandle INIT_TRANSFORM;
    private static final MethodHandle TRANSFORM;
    private static final MethodHandle DESTROY;
    private static final MethodHandle FREE;
    private static final MethodHandle ERROR_STR;
    private static final MethodHandle ERROR_CODE;

    static {
        MethodHandle[] h = new MethodHandle[6];
        Throwable failure = null;
        try {
            SymbolLookup l = SymbolLookup.libraryLookup("libturbojpeg.so.0", Arena.global());
            // tjhandle tjInitTransform(void)
            h[0] = handle(l, "tjInitTransform", FunctionDescriptor.of(ADDRESS));
            // int tjTransform(tjhandle, const unsigned char *srcBuf, unsigned long srcSize, int n,
            //                 unsigned char **dstBufs, unsigned long *dstSizes, tjtransform *transforms, int flags)
            h[1] = handle(l, "tjTransform", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT,
                    ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
            h[2] = handle(l, "tjDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            h[3] = handle(l, "tjFree", FunctionDescriptor.ofVoid(ADDRESS));
            h[4] = handle(l, "tjGetErrorStr2", FunctionDescriptor.of(ADDRESS, ADDRESS));
            h[5] = handle(l, "tjGetErrorCode", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        } catch (Throwable t) {
            failure = t;
            LOG.infof("libturbojpeg.so.0 not loaded; lossless JPEG re-coding is off: %s", t.toString());
        }
        LOAD_FAILURE = failure;
        INIT_TRANSFORM = h[0];
        TRANSFORM = h[1];
        DESTROY = h[2];
        FREE = h[3];
        ERROR_STR = h[4];
        ERROR_CODE = h[5];
    }

    private TurboJpeg() {
    }

    private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lib.find(name)
                .orElseThrow(() -> new IllegalStateException("libturbojpeg lacks " + name));
        return Vips.downcall(symbol, fd, -1);
    }

    static boolean available() {
        return LOAD_FAILURE == null;
    }

    /**
     * {@code tjTransform} with no spatial transform into a progressive JPEG (optimized Huffman tables),
     * every marker copied. Any warning (corrupt or truncated data) stops it and counts as failure; at
     * most 500 scans are read from a progressive input (a scan bomb fails instead of spinning).
     */
    static Optional<byte[]> progressive(byte[] jpeg) {
        if (!available() || jpeg.length == 0) {
            return Optional.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(jpeg.length);
            MemorySegment.copy(jpeg, 0, src, JAVA_BYTE, 0, jpeg.length);
            MemorySegment dstBuf = arena.allocate(ADDRESS); // NULL: TurboJPEG allocates the output
            MemorySegment dstSize = arena.allocate(JAVA_LONG);
            MemorySegment transform = arena.allocate(TJTRANSFORM); // zeroed: no crop, no filter
            transform.set(JAVA_INT, OP_OFFSET, TJXOP_NONE);
            transform.set(JAVA_INT, OPTIONS_OFFSET, TJXOPT_PROGRESSIVE);
            MemorySegment handle = (MemorySegment) INIT_TRANSFORM.invokeExact();
            if (handle.equals(MemorySegment.NULL)) {
                LOG.debug("tjInitTransform failed");
                return Optional.empty();
            }
            try {
                int rc = (int) TRANSFORM.invokeExact(handle, src, (long) jpeg.length, 1, dstBuf, dstSize, transform,
                        TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS);
                // on failure TurboJPEG may still have allocated an output buffer: always freed
                MemorySegment out = dstBuf.get(ADDRESS, 0);
                try {
                    if (rc != 0) {
                        LOG.debugf("tjTransform failed (%s): %s",
                                (int) ERROR_CODE.invokeExact(handle) == TJERR_WARNING ? "warning" : "fatal",
                                errorString(handle));
                        return Optional.empty();
                    }
                    long size = dstSize.get(JAVA_LONG, 0);
                    if (out.equals(MemorySegment.NULL) || size <= 0 || size > Integer.MAX_VALUE - 16) {
                        return Optional.empty();
                    }
                    return Optional.of(out.reinterpret(size).toArray(JAVA_BYTE));
                } finally {
                    if (!out.equals(MemorySegment.NULL)) {
                        FREE.invokeExact(out);
                    }
                }
            } finally {
                int unused = (int) DESTROY.invokeExact(handle);
            }
        } catch (Throwable t) {
            if (t instanceof Error e && !(t instanceof OutOfMemoryError)) {
                throw e;
            }
            LOG.debugf("tjTransform not usable: %s", t.toString());
            return Optional.empty();
        }
    }

    private static String errorString(MemorySegment handle) throws Throwable {
        MemorySegment s = (MemorySegment) ERROR_STR.invokeExact(handle);
        return s.equals(MemorySegment.NULL) ? "" : s.reinterpret(1024).getString(0).strip();
    }
}
