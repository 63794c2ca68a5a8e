package dev.pixmill.engine.vips;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Pixmill's own minimal libvips 8.14 binding over the Java FFM API.
 *
 * <p>Pointers are {@link MemorySegment}s. A {@code VipsImage*} returned by a method here is owned
 * by the caller and must be released with {@link #unref(MemorySegment)} (in a finally block).
 * Input buffers handed to {@code *_buffer} calls are not copied by libvips: they must live in an
 * arena that outlives every image made from them.
 *
 * <p>Initialisation (on first use) sets: concurrency 1, operation cache off, every untrusted
 * loader blocked, then exactly {@code VipsForeignLoadSvgBuffer} and {@code VipsForeignLoadPdfBuffer}
 * re-enabled (the ImageMagick loaders stay blocked).
 *
 * <p>libvips warnings ("heifload: ignoring nclx profile", "Premature end of JPEG file") are
 * routed from stderr to the JBoss log at DEBUG (category {@code dev.pixmill.engine.vips.libvips})
 * with a {@code g_log_set_handler} upcall for the {@code VIPS} domain.
 */
public final class Vips {

    /** libvips' VIPS_MAX_COORD: a box side that never constrains. */
    public static final int MAX_COORD = 10_000_000;

    public static final int FORMAT_UCHAR = 0;
    public static final int ACCESS_SEQUENTIAL = 1;
    public static final int SIZE_BOTH = 0;
    public static final int SIZE_DOWN = 2;
    /** VIPS_EXTEND_BACKGROUND: new pixels take the given background colour. */
    static final int EXTEND_BACKGROUND = 5;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB;
    private static final Throwable INIT_FAILURE;

    private static final MethodHandle VIPS_INIT;
    private static final MethodHandle CONCURRENCY_SET;
    private static final MethodHandle CACHE_SET_MAX;
    private static final MethodHandle CACHE_SET_MAX_MEM;
    private static final MethodHandle CACHE_SET_MAX_FILES;
    private static final MethodHandle BLOCK_UNTRUSTED_SET;
    private static final MethodHandle OPERATION_BLOCK_SET;
    private static final MethodHandle VERSION;
    private static final MethodHandle ERROR_BUFFER;
    private static final MethodHandle ERROR_CLEAR;
    private static final MethodHandle THREAD_SHUTDOWN;
    private static final MethodHandle G_FREE;
    private static final MethodHandle G_OBJECT_UNREF;
    private static final MethodHandle NEW_FROM_BUFFER;
    private static final MethodHandle NEW_FROM_MEMORY_COPY;
    private static final MethodHandle THUMBNAIL_BUFFER;
    private static final MethodHandle THUMBNAIL_IMAGE;
    private static final MethodHandle GET_WIDTH;
    private static final MethodHandle GET_HEIGHT;
    private static final MethodHandle GET_BANDS;
    private static final MethodHandle GET_FORMAT;
    private static final MethodHandle GET_INTERPRETATION;
    private static final MethodHandle GET_N_PAGES;
    private static final MethodHandle GET_PAGE_HEIGHT;
    private static final MethodHandle HASALPHA;
    private static final MethodHandle COLOURSPACE;
    private static final MethodHandle CAST;
    private static final MethodHandle FLATTEN;
    private static final MethodHandle ARRAY_DOUBLE_NEW;
    private static final MethodHandle AREA_UNREF;
    private static final MethodHandle COPY_MEMORY;
    private static final MethodHandle WRITE_TO_BUFFER;
    private static final MethodHandle WRITE_TO_MEMORY;
    private static final MethodHandle SET_INT;
    private static final MethodHandle ENUM_FROM_NICK;
    private static final MethodHandle INTERPRETATION_GET_TYPE;
    private static final MethodHandle SET_PROGRESS;
    private static final MethodHandle SET_KILL;
    private static final MethodHandle SIGNAL_CONNECT;
    private static final MethodHandle GET_TYPEOF;
    private static final MethodHandle ICC_TRANSFORM;
    private static final MethodHandle COPY;
    private static final MethodHandle GET_FIELDS;
    private static final MethodHandle REMOVE;
    private static final MethodHandle G_STRFREEV;
    private static final MethodHandle NOT_EQUAL;
    private static final MethodHandle MAX;
    private static final MethodHandle EXTRACT_AREA;
    private static final MethodHandle EMBED;
    private static final MethodHandle ARRAYJOIN;
    private static final MethodHandle ADDALPHA;
    private static final MethodHandle GET_ORIENTATION;
    private static final MemorySegment ICC_PROFILE_FIELD = Arena.global().allocateFrom("icc-profile-data");
    private static final MemorySegment SRGB_PROFILE = Arena.global().allocateFrom("srgb");
    private static final MemorySegment EMBEDDED = Arena.global().allocateFrom("embedded");
    private static final MemorySegment EVAL_STUB;
    private static final MemorySegment EVAL_SIGNAL = Arena.global().allocateFrom("eval");

    /** VIPS_INTERPRETATION_sRGB, resolved from libvips at start-up. */
    public static final int INTERPRETATION_SRGB;

    /**
     * Every foreign-call shape this binding links, spelled as native-image's
     * reachability-metadata.json spells them (e.g. {@code jint(void*,jlong)@3}); a test keeps
     * META-INF/native-image in step with it, since a native build can only call what it registered.
     */
    static final Set<String> LINKED_DOWNCALLS = ConcurrentHashMap.newKeySet();
    static final Set<String> LINKED_UPCALLS = ConcurrentHashMap.newKeySet();

    static {
        SymbolLookup lib = null;
        Throwable failure = null;
        MethodHandle[] h = new MethodHandle[52];
        MemorySegment evalStub = MemorySegment.NULL;
        int srgb = 22;
        try {
            lib = SymbolLookup.libraryLookup("libvips.so.42", Arena.global());
            final SymbolLookup l = lib;
            h[0] = handle(l, "vips_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            h[1] = handle(l, "vips_concurrency_set", FunctionDescriptor.ofVoid(JAVA_INT));
            h[2] = handle(l, "vips_cache_set_max", FunctionDescriptor.ofVoid(JAVA_INT));
            h[3] = handle(l, "vips_cache_set_max_mem", FunctionDescriptor.ofVoid(JAVA_LONG));
            h[4] = handle(l, "vips_cache_set_max_files", FunctionDescriptor.ofVoid(JAVA_INT));
            h[5] = handle(l, "vips_block_untrusted_set", FunctionDescriptor.ofVoid(JAVA_INT));
            h[6] = handle(l, "vips_operation_block_set", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
            h[7] = handle(l, "vips_version", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            h[8] = handle(l, "vips_error_buffer", FunctionDescriptor.of(ADDRESS));
            h[9] = handle(l, "vips_error_clear", FunctionDescriptor.ofVoid());
            h[10] = handle(l, "vips_thread_shutdown", FunctionDescriptor.ofVoid());
            h[11] = handle(l, "g_free", FunctionDescriptor.ofVoid(ADDRESS));
            h[12] = handle(l, "g_object_unref", FunctionDescriptor.ofVoid(ADDRESS));
            // VipsImage *vips_image_new_from_buffer(const void *buf, size_t len, const char *option_string, ...)
            h[13] = handle(l, "vips_image_new_from_buffer",
                    FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS),
                    3);
            h[14] = handle(l, "vips_image_new_from_memory_copy",
                    FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
            // int vips_thumbnail_buffer(void *buf, size_t len, VipsImage **out, int width, ...)
            h[15] = handle(l, "vips_thumbnail_buffer",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT,
                            ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
                    4);
            // int vips_thumbnail_image(VipsImage *in, VipsImage **out, int width, ...)
            h[16] = handle(l, "vips_thumbnail_image",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT,
                            ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS),
                    3);
            h[17] = handle(l, "vips_image_get_width", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            h[18] = handle(l, "vips_image_get_height", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            h[19] = handle(l, "vips_image_get_bands", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            h[20] = handle(l, "vips_image_get_format", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            h[21] = handle(l, "vips_image_get_interpretation", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            h[22] = handle(l, "vips_image_get_n_pages", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            h[23] = handle(l, "vips_image_get_page_height", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            h[24] = handle(l, "vips_image_hasalpha", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            // int vips_colourspace(VipsImage *in, VipsImage **out, VipsInterpretation space, ...)
            h[25] = handle(l, "vips_colourspace", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS),
                    3);
            // int vips_cast(VipsImage *in, VipsImage **out, VipsBandFormat format, ...)
            h[26] = handle(l, "vips_cast", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS),
                    3);
            // int vips_flatten(VipsImage *in, VipsImage **out, ...) with "background", VipsArrayDouble*, NULL
            h[27] = handle(l, "vips_flatten", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS),
                    2);
            h[28] = handle(l, "vips_array_double_new", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
            h[29] = handle(l, "vips_area_unref", FunctionDescriptor.ofVoid(ADDRESS));
            h[30] = handle(l, "vips_image_copy_memory", FunctionDescriptor.of(ADDRESS, ADDRESS));
            // int vips_image_write_to_buffer(VipsImage *in, const char *suffix, void **buf, size_t *size, ...)
            h[31] = handle(l, "vips_image_write_to_buffer",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS),
                    4);
            h[32] = handle(l, "vips_image_write_to_memory", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
            h[33] = handle(l, "vips_image_set_int", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT));
            h[34] = handle(l, "vips_enum_from_nick", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
            h[35] = handle(l, "vips_interpretation_get_type", FunctionDescriptor.of(JAVA_LONG));
            h[36] = handle(l, "vips_image_set_progress", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
            h[37] = handle(l, "vips_image_set_kill", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
            // gulong g_signal_connect_data(gpointer, const gchar *, GCallback, gpointer, GClosureNotify, GConnectFlags)
            h[38] = handle(l, "g_signal_connect_data",
                    FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
            // GType vips_image_get_typeof(const VipsImage *image, const char *name)
            h[39] = handle(l, "vips_image_get_typeof", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS));
            // int vips_icc_transform(VipsImage *in, VipsImage **out, const char *output_profile, ...)
            h[40] = handle(l, "vips_icc_transform",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS), 3);
            // int vips_copy(VipsImage *in, VipsImage **out, ...)
            h[41] = handle(l, "vips_copy", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), 2);
            // gchar **vips_image_get_fields(VipsImage *image)
            h[42] = handle(l, "vips_image_get_fields", FunctionDescriptor.of(ADDRESS, ADDRESS));
            // gboolean vips_image_remove(VipsImage *image, const char *name)
            h[43] = handle(l, "vips_image_remove", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            h[44] = handle(l, "g_strfreev", FunctionDescriptor.ofVoid(ADDRESS));
            // int vips_notequal(VipsImage *left, VipsImage *right, VipsImage **out, ...)
            h[45] = handle(l, "vips_notequal", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS), 3);
            // int vips_max(VipsImage *in, double *out, ...)
            h[46] = handle(l, "vips_max", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), 2);
            // int vips_extract_area(VipsImage *in, VipsImage **out, int left, int top, int width, int height, ...)
            h[47] = handle(l, "vips_extract_area", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT,
                    JAVA_INT, JAVA_INT, ADDRESS), 6);
            // int vips_embed(VipsImage *in, VipsImage **out, int x, int y, int width, int height, ...)
            // with "extend", VipsExtend, "background", VipsArrayDouble*, NULL
            h[48] = handle(l, "vips_embed", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT,
                    JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS), 6);
            // int vips_arrayjoin(VipsImage **in, VipsImage **out, int n, ...) with "across", int, NULL
            h[49] = handle(l, "vips_arrayjoin", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS,
                    JAVA_INT, ADDRESS), 3);
            // int vips_addalpha(VipsImage *in, VipsImage **out, ...)
            h[50] = handle(l, "vips_addalpha", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), 2);
            // int vips_image_get_orientation(VipsImage *image): the EXIF orientation 1-8, 1 when there is none
            h[51] = handle(l, "vips_image_get_orientation", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            FunctionDescriptor evalFn = FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS);
            LINKED_UPCALLS.add(shape(evalFn, -1));
            evalStub = LINKER.upcallStub(java.lang.invoke.MethodHandles.lookup().findStatic(Vips.class, "onEval",
                    evalFn.toMethodType()), evalFn, Arena.global());

            try (Arena a = Arena.ofConfined()) {
                if ((int) h[0].invokeExact(a.allocateFrom("pixmill")) != 0) {
                    throw new IllegalStateException("vips_init failed");
                }
                h[1].invokeExact(1);
                h[2].invokeExact(0);
                h[3].invokeExact(0L);
                h[4].invokeExact(0);
                h[5].invokeExact(1);
                h[6].invokeExact(a.allocateFrom("VipsForeignLoadSvgBuffer"), 0);
                h[6].invokeExact(a.allocateFrom("VipsForeignLoadPdfBuffer"), 0);
                installLogHandler(l, a);
                Allocator.tune();
                long gtype = (long) h[35].invokeExact();
                int v = (int) h[34].invokeExact(a.allocateFrom("pixmill"), gtype, a.allocateFrom("srgb"));
                if (v >= 0) {
                    srgb = v;
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
        LIB = lib;
        INIT_FAILURE = failure;
        INTERPRETATION_SRGB = srgb;
        VIPS_INIT = h[0];
        CONCURRENCY_SET = h[1];
        CACHE_SET_MAX = h[2];
        CACHE_SET_MAX_MEM = h[3];
        CACHE_SET_MAX_FILES = h[4];
        BLOCK_UNTRUSTED_SET = h[5];
        OPERATION_BLOCK_SET = h[6];
        VERSION = h[7];
        ERROR_BUFFER = h[8];
        ERROR_CLEAR = h[9];
        THREAD_SHUTDOWN = h[10];
        G_FREE = h[11];
        G_OBJECT_UNREF = h[12];
        NEW_FROM_BUFFER = h[13];
        NEW_FROM_MEMORY_COPY = h[14];
        THUMBNAIL_BUFFER = h[15];
        THUMBNAIL_IMAGE = h[16];
        GET_WIDTH = h[17];
        GET_HEIGHT = h[18];
        GET_BANDS = h[19];
        GET_FORMAT = h[20];
        GET_INTERPRETATION = h[21];
        GET_N_PAGES = h[22];
        GET_PAGE_HEIGHT = h[23];
        HASALPHA = h[24];
        COLOURSPACE = h[25];
        CAST = h[26];
        FLATTEN = h[27];
        ARRAY_DOUBLE_NEW = h[28];
        AREA_UNREF = h[29];
        COPY_MEMORY = h[30];
        WRITE_TO_BUFFER = h[31];
        WRITE_TO_MEMORY = h[32];
        SET_INT = h[33];
        ENUM_FROM_NICK = h[34];
        INTERPRETATION_GET_TYPE = h[35];
        SET_PROGRESS = h[36];
        SET_KILL = h[37];
        SIGNAL_CONNECT = h[38];
        GET_TYPEOF = h[39];
        ICC_TRANSFORM = h[40];
        COPY = h[41];
        GET_FIELDS = h[42];
        REMOVE = h[43];
        G_STRFREEV = h[44];
        NOT_EQUAL = h[45];
        MAX = h[46];
        EXTRACT_AREA = h[47];
        EMBED = h[48];
        ARRAYJOIN = h[49];
        ADDALPHA = h[50];
        GET_ORIENTATION = h[51];
        EVAL_STUB = evalStub;
    }

    private Vips() {
    }

    private static final org.jboss.logging.Logger VIPS_LOG =
            org.jboss.logging.Logger.getLogger("dev.pixmill.engine.vips.libvips");

    /** GLogFunc upcall target: (const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer). */
    private static void onLog(MemorySegment domain, int level, MemorySegment message, MemorySegment userData) {
        try {
            if (VIPS_LOG.isDebugEnabled()) {
                String m = message.equals(MemorySegment.NULL) ? "" : message.reinterpret(65536).getString(0);
                VIPS_LOG.debug(m);
            }
        } catch (Throwable ignored) {
            // an exception escaping an upcall would crash the JVM
        }
    }

    /** Whether the image carries an ICC profile. */
    public static boolean hasIccProfile(MemorySegment image) {
        return invoke(() -> (long) GET_TYPEOF.invokeExact(image, ICC_PROFILE_FIELD)) != 0L;
    }

    /** Converts through the image's own (embedded) profile to sRGB, 8 bits; the result carries sRGB. */
    public static MemorySegment iccToSrgb(Arena arena, MemorySegment image) {
        return newImage(arena, "icc_transform",
                out -> (int) ICC_TRANSFORM.invokeExact(image, out, SRGB_PROFILE, EMBEDDED, 1, MemorySegment.NULL));
    }

    /**
     * Stops a running evaluation of {@code image} once {@link System#nanoTime()} passes the value
     * in {@code deadline} (8 bytes that must live as long as the image). libvips emits "eval"
     * while it computes pixels; a killed image fails its write, so a runaway decode or encode
     * cannot hold a worker beyond the job's deadline.
     */
    public static void killAfter(MemorySegment image, MemorySegment deadline) {
        try {
            SET_PROGRESS.invokeExact(image, 1);
            long handler = (long) SIGNAL_CONNECT.invokeExact(image, EVAL_SIGNAL, EVAL_STUB, deadline,
                    MemorySegment.NULL, 0);
            if (handler == 0) {
                throw new VipsException("signal_connect", "could not watch the image for its deadline");
            }
        } catch (VipsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** "eval" handler: (VipsImage *image, VipsProgress *progress, gpointer deadline). */
    private static void onEval(MemorySegment image, MemorySegment progress, MemorySegment deadline) {
        try {
            if (System.nanoTime() - deadline.reinterpret(Long.BYTES).get(JAVA_LONG, 0) > 0) {
                SET_KILL.invokeExact(image, 1);
            }
        } catch (Throwable ignored) {
            // an exception escaping an upcall would crash the JVM
        }
    }

    private static void installLogHandler(SymbolLookup l, Arena a) throws Throwable {
        var setHandler = l.find("g_log_set_handler");
        if (setHandler.isEmpty()) {
            return; // warnings stay on stderr
        }
        FunctionDescriptor logFn = FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        LINKED_UPCALLS.add(shape(logFn, -1));
        MemorySegment stub = LINKER.upcallStub(java.lang.invoke.MethodHandles.lookup().findStatic(Vips.class, "onLog",
                logFn.toMethodType()), logFn, Arena.global());
        MethodHandle set = downcall(setHandler.get(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS), -1);
        // G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG
        int levels = (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7);
        int unused = (int) set.invokeExact(Arena.global().allocateFrom("VIPS"), levels, stub, MemorySegment.NULL);
    }

    private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor fd) {
        return handle(lib, name, fd, -1);
    }

    /** A downcall; {@code firstVariadic} >= 0 marks where a C function's "..." starts. */
    private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor fd, int firstVariadic) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new IllegalStateException("libvips lacks " + name));
        return downcall(symbol, fd, firstVariadic);
    }

    /**
     * Links a downcall and records its shape; Pixmill's other native bindings (TurboJPEG) link
     * through here too, so {@link #LINKED_DOWNCALLS} knows every shape the native build needs.
     */
    public static MethodHandle downcall(MemorySegment symbol, FunctionDescriptor fd, int firstVariadic) {
        LINKED_DOWNCALLS.add(shape(fd, firstVariadic));
        return firstVariadic < 0 ? LINKER.downcallHandle(symbol, fd)
                : LINKER.downcallHandle(symbol, fd, Linker.Option.firstVariadicArg(firstVariadic));
    }

    static String shape(FunctionDescriptor fd, int firstVariadic) {
        String ret = fd.returnLayout().map(Vips::carrier).orElse("void");
        String params = fd.argumentLayouts().stream().map(Vips::carrier).collect(Collectors.joining(","));
        return ret + "(" + params + ")" + (firstVariadic < 0 ? "" : "@" + firstVariadic);
    }

    private static String carrier(java.lang.foreign.MemoryLayout layout) {
        if (layout.equals(JAVA_INT)) {
            return "jint";
        } else if (layout.equals(JAVA_LONG)) {
            return "jlong";
        } else if (layout.equals(JAVA_DOUBLE)) {
            return "jdouble";
        } else if (layout instanceof java.lang.foreign.AddressLayout) {
            return "void*";
        }
        throw new IllegalArgumentException("unregistered layout " + layout);
    }

    /** Loads and initialises libvips once; throws if that is impossible. */
    public static void ensureInitialized() {
        if (INIT_FAILURE != null) {
            throw new IllegalStateException("libvips is not available: " + INIT_FAILURE.getMessage(), INIT_FAILURE);
        }
    }

    /** {@code "8.14.1"}. */
    public static String version() {
        ensureInitialized();
        try {
            return (int) VERSION.invokeExact(0) + "." + (int) VERSION.invokeExact(1) + "."
                    + (int) VERSION.invokeExact(2);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Frees libvips' per-thread buffers; call on a thread that used libvips, before it exits. */
    public static void threadShutdown() {
        if (INIT_FAILURE != null) {
            return;
        }
        try {
            THREAD_SHUTDOWN.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void unref(MemorySegment object) {
        if (object == null || object.equals(MemorySegment.NULL)) {
            return;
        }
        try {
            G_OBJECT_UNREF.invokeExact(object);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void gFree(MemorySegment p) {
        if (p.equals(MemorySegment.NULL)) {
            return;
        }
        try {
            G_FREE.invokeExact(p);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Reads and clears libvips' (process-wide) error buffer. */
    private static String takeError() {
        try {
            MemorySegment p = (MemorySegment) ERROR_BUFFER.invokeExact();
            String s = p.equals(MemorySegment.NULL) ? "" : p.reinterpret(Integer.MAX_VALUE).getString(0);
            ERROR_CLEAR.invokeExact();
            return s.strip();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static VipsException failure(String op) {
        return new VipsException(op, takeError());
    }

    /** A native call, with whatever it throws turned unchecked (VipsExceptions pass as they are). */
    @FunctionalInterface
    private interface NativeCall<T> {
        T call() throws Throwable;
    }

    private static <T> T invoke(NativeCall<T> call) {
        try {
            return call.call();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** An operation that returns 0 and writes a new image reference to its out-parameter. */
    @FunctionalInterface
    private interface ImageOperation {
        int call(MemorySegment out) throws Throwable;
    }

    private static MemorySegment newImage(Arena arena, String op, ImageOperation operation) {
        MemorySegment out = arena.allocate(ADDRESS);
        if (invoke(() -> operation.call(out)) != 0) {
            throw failure(op);
        }
        return out.get(ADDRESS, 0);
    }

    private static MemorySegment checkImage(MemorySegment image, String op) {
        if (image.equals(MemorySegment.NULL)) {
            throw failure(op);
        }
        return image;
    }

    /** Copies {@code data} into native memory owned by {@code arena}. */
    public static MemorySegment buffer(Arena arena, byte[] data) {
        MemorySegment seg = arena.allocate(Math.max(1, data.length));
        MemorySegment.copy(data, 0, seg, JAVA_BYTE, 0, data.length);
        return seg.asSlice(0, data.length);
    }

    /**
     * Opens an image from an encoded buffer, header only (pixels are decoded lazily, sequential
     * access). {@code options} is a loader option string such as {@code "access=sequential"}.
     */
    public static MemorySegment newFromBuffer(Arena arena, MemorySegment buf, String options) {
        ensureInitialized();
        return checkImage(invoke(() -> (MemorySegment) NEW_FROM_BUFFER.invokeExact(buf, buf.byteSize(),
                arena.allocateFrom(options), MemorySegment.NULL)), "new_from_buffer");
    }

    /** A new image holding a copy of uchar pixels, interleaved, {@code bands} per pixel. */
    public static MemorySegment newFromMemoryCopy(Arena arena, byte[] pixels, int width, int height, int bands) {
        ensureInitialized();
        MemorySegment data = buffer(arena, pixels);
        return checkImage(invoke(() -> (MemorySegment) NEW_FROM_MEMORY_COPY.invokeExact(data, (long) pixels.length,
                width, height, bands, FORMAT_UCHAR)), "new_from_memory_copy");
    }

    /**
     * {@code vips_thumbnail_buffer}: load with shrink-on-load and fit inside width×height, applying
     * EXIF orientation unless {@code noRotate}. {@code loaderOptions} goes to the loader
     * ({@code "n=-1"}, {@code "fail_on=truncated"}).
     */
    public static MemorySegment thumbnailBuffer(Arena arena, MemorySegment buf, int width, int height, int size,
            boolean noRotate, String loaderOptions) {
        ensureInitialized();
        return newImage(arena, "thumbnail_buffer", out -> (int) THUMBNAIL_BUFFER.invokeExact(buf, buf.byteSize(), out,
                width,
                arena.allocateFrom("height"), height,
                arena.allocateFrom("size"), size,
                arena.allocateFrom("no_rotate"), noRotate ? 1 : 0,
                arena.allocateFrom("option_string"), arena.allocateFrom(loaderOptions == null ? "" : loaderOptions),
                MemorySegment.NULL));
    }

    /** {@code vips_thumbnail_image}: fit an image already in memory inside width×height. */
    public static MemorySegment thumbnailImage(Arena arena, MemorySegment in, int width, int height, int size,
            boolean noRotate) {
        ensureInitialized();
        return newImage(arena, "thumbnail_image", out -> (int) THUMBNAIL_IMAGE.invokeExact(in, out, width,
                arena.allocateFrom("height"), height,
                arena.allocateFrom("size"), size,
                arena.allocateFrom("no_rotate"), noRotate ? 1 : 0,
                MemorySegment.NULL));
    }

    private static int intGetter(MethodHandle h, MemorySegment image) {
        return invoke(() -> (int) h.invokeExact(image));
    }

    public static int width(MemorySegment image) {
        return intGetter(GET_WIDTH, image);
    }

    public static int height(MemorySegment image) {
        return intGetter(GET_HEIGHT, image);
    }

    public static int bands(MemorySegment image) {
        return intGetter(GET_BANDS, image);
    }

    public static int bandFormat(MemorySegment image) {
        return intGetter(GET_FORMAT, image);
    }

    public static int interpretation(MemorySegment image) {
        return intGetter(GET_INTERPRETATION, image);
    }

    public static int nPages(MemorySegment image) {
        return intGetter(GET_N_PAGES, image);
    }

    public static int pageHeight(MemorySegment image) {
        return intGetter(GET_PAGE_HEIGHT, image);
    }

    public static boolean hasAlpha(MemorySegment image) {
        return intGetter(HASALPHA, image) != 0;
    }

    /** The EXIF orientation (1-8) the header declares, 1 when there is none. */
    public static int orientation(MemorySegment image) {
        return intGetter(GET_ORIENTATION, image);
    }

    /** {@code vips_extract_area}: the given rectangle of the image, computed lazily; a new reference. */
    public static MemorySegment extractArea(Arena arena, MemorySegment in, int left, int top, int width, int height) {
        return newImage(arena, "extract_area",
                out -> (int) EXTRACT_AREA.invokeExact(in, out, left, top, width, height, MemorySegment.NULL));
    }

    /**
     * {@code vips_embed}: the image placed at x, y on a width×height canvas of the given background
     * (one value per band); a new reference.
     */
    public static MemorySegment embed(Arena arena, MemorySegment in, int x, int y, int width, int height,
            double... background) {
        MemorySegment values = arena.allocateFrom(JAVA_DOUBLE, background);
        MemorySegment array = invoke(() -> (MemorySegment) ARRAY_DOUBLE_NEW.invokeExact(values, background.length));
        try {
            return newImage(arena, "embed", out -> (int) EMBED.invokeExact(in, out, x, y, width, height,
                    arena.allocateFrom("extend"), EXTEND_BACKGROUND, arena.allocateFrom("background"), array,
                    MemorySegment.NULL));
        } finally {
            invoke(() -> {
                AREA_UNREF.invokeExact(array);
                return null;
            });
        }
    }

    /** {@code vips_arrayjoin} of the images one below the other (across = 1); a new reference. */
    public static MemorySegment joinVertically(Arena arena, List<MemorySegment> images) {
        MemorySegment array = arena.allocate(ADDRESS, images.size());
        for (int i = 0; i < images.size(); i++) {
            array.setAtIndex(ADDRESS, i, images.get(i));
        }
        return newImage(arena, "arrayjoin", out -> (int) ARRAYJOIN.invokeExact(array, out, images.size(),
                arena.allocateFrom("across"), 1, MemorySegment.NULL));
    }

    /** {@code vips_addalpha}: an opaque alpha band added; a new reference. */
    public static MemorySegment addAlpha(Arena arena, MemorySegment in) {
        return newImage(arena, "addalpha", out -> (int) ADDALPHA.invokeExact(in, out, MemorySegment.NULL));
    }

    /** {@code vips_colourspace} to the given interpretation; a new reference. */
    public static MemorySegment colourspace(Arena arena, MemorySegment in, int interpretation) {
        return newImage(arena, "colourspace",
                out -> (int) COLOURSPACE.invokeExact(in, out, interpretation, MemorySegment.NULL));
    }

    /** {@code vips_cast} to a band format; a new reference. */
    public static MemorySegment cast(Arena arena, MemorySegment in, int bandFormat) {
        return newImage(arena, "cast", out -> (int) CAST.invokeExact(in, out, bandFormat, MemorySegment.NULL));
    }

    /** {@code vips_flatten} onto the given background (one value per non-alpha band). */
    public static MemorySegment flatten(Arena arena, MemorySegment in, double... background) {
        MemorySegment values = arena.allocateFrom(JAVA_DOUBLE, background);
        MemorySegment array = invoke(() -> (MemorySegment) ARRAY_DOUBLE_NEW.invokeExact(values, background.length));
        try {
            return newImage(arena, "flatten", out -> (int) FLATTEN.invokeExact(in, out,
                    arena.allocateFrom("background"), array, MemorySegment.NULL));
        } finally {
            invoke(() -> {
                AREA_UNREF.invokeExact(array);
                return null;
            });
        }
    }

    /** {@code vips_notequal}: per band, 255 where the two images differ and 0 where they agree; a new reference. */
    public static MemorySegment notEqual(Arena arena, MemorySegment left, MemorySegment right) {
        return newImage(arena, "notequal",
                out -> (int) NOT_EQUAL.invokeExact(left, right, out, MemorySegment.NULL));
    }

    /** {@code vips_max}: the largest value over every pixel and band (computes the whole image). */
    public static double max(Arena arena, MemorySegment in) {
        MemorySegment out = arena.allocate(JAVA_DOUBLE);
        if (invoke(() -> (int) MAX.invokeExact(in, out, MemorySegment.NULL)) != 0) {
            throw failure("max");
        }
        return out.get(JAVA_DOUBLE, 0);
    }

    /** Renders the image into memory (so it can be read or saved more than once); a new reference. */
    public static MemorySegment copyMemory(MemorySegment in) {
        return checkImage(invoke(() -> (MemorySegment) COPY_MEMORY.invokeExact(in)), "copy_memory");
    }

    /** Encodes with a suffix such as {@code ".webp[Q=80,strip]"}; the native buffer is freed. */
    public static byte[] writeToBuffer(Arena arena, MemorySegment image, String suffix) {
        try {
            MemorySegment bufPtr = arena.allocate(ADDRESS);
            MemorySegment sizePtr = arena.allocate(JAVA_LONG);
            int rc = (int) WRITE_TO_BUFFER.invokeExact(image, arena.allocateFrom(suffix), bufPtr, sizePtr,
                    MemorySegment.NULL);
            MemorySegment buf = bufPtr.get(ADDRESS, 0);
            try {
                if (rc != 0) {
                    throw failure("write_to_buffer");
                }
                long size = sizePtr.get(JAVA_LONG, 0);
                return buf.reinterpret(size).toArray(JAVA_BYTE);
            } finally {
                gFree(buf);
            }
        } catch (VipsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Raw pixels (interleaved, band format of the image); the native buffer is freed. */
    public static byte[] writeToMemory(Arena arena, MemorySegment image) {
        try {
            MemorySegment sizePtr = arena.allocate(JAVA_LONG);
            MemorySegment buf = (MemorySegment) WRITE_TO_MEMORY.invokeExact(image, sizePtr);
            try {
                if (buf.equals(MemorySegment.NULL)) {
                    throw failure("write_to_memory");
                }
                return buf.reinterpret(sizePtr.get(JAVA_LONG, 0)).toArray(JAVA_BYTE);
            } finally {
                gFree(buf);
            }
        } catch (VipsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Raw pixels (interleaved, band format of the image) in native memory, freed when {@code arena}
     * closes: for reading large images without a copy on the heap.
     */
    public static MemorySegment pixels(Arena arena, MemorySegment image) {
        try {
            MemorySegment sizePtr = arena.allocate(JAVA_LONG);
            MemorySegment buf = (MemorySegment) WRITE_TO_MEMORY.invokeExact(image, sizePtr);
            if (buf.equals(MemorySegment.NULL)) {
                throw failure("write_to_memory");
            }
            return buf.reinterpret(sizePtr.get(JAVA_LONG, 0), arena, Vips::gFree);
        } catch (VipsException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code vips_copy}: a new reference to the same pixels whose metadata can be changed on its own. */
    public static MemorySegment copy(Arena arena, MemorySegment in) {
        return newImage(arena, "copy", out -> (int) COPY.invokeExact(in, out, MemorySegment.NULL));
    }

    /** Names of every field of the image, the basic header fields (width, xres, ...) included. */
    public static List<String> fieldNames(MemorySegment image) {
        List<String> names = new ArrayList<>();
        forEachField(image, (name, nativeName) -> names.add(name));
        return names;
    }

    /**
     * Removes every metadata field whose name {@code remove} accepts from an image the caller owns
     * alone (a fresh {@link #copy}); returns the names removed. Fields are removed by their native
     * name, so a name that is not valid UTF-8 (a PNG keyword in Latin-1) cannot slip through.
     */
    public static List<String> removeFields(MemorySegment image, Predicate<String> remove) {
        List<String> removed = new ArrayList<>();
        forEachField(image, (name, nativeName) -> {
            if (remove.test(name) && invoke(() -> (int) REMOVE.invokeExact(image, nativeName)) != 0) {
                removed.add(name);
            }
        });
        return removed;
    }

    private static void forEachField(MemorySegment image, BiConsumer<String, MemorySegment> action) {
        // a NULL-terminated, newly allocated copy of the names: safe to remove fields while walking it
        MemorySegment names = invoke(() -> (MemorySegment) GET_FIELDS.invokeExact(image));
        if (names.equals(MemorySegment.NULL)) {
            return;
        }
        try {
            MemorySegment array = names.reinterpret(Long.MAX_VALUE);
            for (long i = 0;; i++) {
                MemorySegment name = array.getAtIndex(ADDRESS, i);
                if (name.equals(MemorySegment.NULL)) {
                    break;
                }
                action.accept(name.reinterpret(Integer.MAX_VALUE).getString(0), name);
            }
        } finally {
            invoke(() -> {
                G_STRFREEV.invokeExact(names);
                return null;
            });
        }
    }

    /** Sets an int metadata field (e.g. {@code "orientation"}) on an image the caller owns alone. */
    public static void setInt(Arena arena, MemorySegment image, String name, int value) {
        try {
            SET_INT.invokeExact(image, arena.allocateFrom(name), value);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static String toUtf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
