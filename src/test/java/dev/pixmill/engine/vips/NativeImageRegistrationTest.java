package dev.pixmill.engine.vips;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixmill.engine.jpeg.LosslessJpeg;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A native image can only make the foreign calls registered at build time. This keeps
 * META-INF/native-image/.../reachability-metadata.json equal to what the binding links, so a
 * change to the binding cannot silently break the native build (which CI cannot run here).
 */
class NativeImageRegistrationTest {

    private static final String METADATA = "META-INF/native-image/dev.pixmill/pixmill/reachability-metadata.json";

    @Test
    void everyLinkedForeignCallIsRegisteredAndNothingElse() throws Exception {
        Vips.ensureInitialized();
        // TurboJPEG links through Vips.downcall when its class initialises; bin/setup.sh installs it
        assertThat(LosslessJpeg.available()).as("libturbojpeg.so.0 loaded").isTrue();
        JsonNode foreign;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(METADATA)) {
            assertThat(in).as(METADATA).isNotNull();
            foreign = new ObjectMapper().readTree(in).path("foreign");
        }
        assertThat(registered(foreign.path("downcalls"))).isEqualTo(new TreeSet<>(Vips.LINKED_DOWNCALLS));
        assertThat(registered(foreign.path("upcalls"))).isEqualTo(new TreeSet<>(Vips.LINKED_UPCALLS));
    }

    @Test
    void theTurboJpegBindingAndThePixelCheckAreRegistered() throws Exception {
        Vips.ensureInitialized();
        assertThat(LosslessJpeg.available()).as("libturbojpeg.so.0 loaded").isTrue();
        JsonNode foreign;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(METADATA)) {
            foreign = new ObjectMapper().readTree(in).path("foreign");
        }
        Set<String> registered = registered(foreign.path("downcalls"));
        // tjTransform(handle, src, srcSize, n, dstBufs, dstSizes, transforms, flags); tjInitTransform;
        // tjDestroy / tjGetErrorCode; tjFree; tjGetErrorStr2; vips_notequal; vips_max
        Set<String> shapes = Set.of("jint(void*,void*,jlong,jint,void*,void*,void*,jint)", "void*()", "jint(void*)",
                "void(void*)", "void*(void*)", "jint(void*,void*,void*,void*)@3", "jint(void*,void*,void*)@2");
        assertThat(Vips.LINKED_DOWNCALLS).containsAll(shapes);
        assertThat(registered).containsAll(shapes);
    }

    private static Set<String> registered(JsonNode calls) {
        Set<String> shapes = new TreeSet<>();
        for (JsonNode call : calls) {
            StringBuilder params = new StringBuilder();
            for (JsonNode p : call.path("parameterTypes")) {
                params.append(params.isEmpty() ? "" : ",").append(p.asText());
            }
            JsonNode variadic = call.path("options").path("firstVariadicArg");
            shapes.add(call.path("returnType").asText() + "(" + params + ")"
                    + (variadic.isMissingNode() ? "" : "@" + variadic.asInt()));
        }
        return shapes;
    }
}
