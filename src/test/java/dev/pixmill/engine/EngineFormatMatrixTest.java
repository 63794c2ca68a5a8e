package dev.pixmill.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every readable input format × every writable output format, resized into 48×48. */
class EngineFormatMatrixTest {

    static ImageEngine engine;
    static Map<ImageFormat, byte[]> inputs;

    @BeforeAll
    static void setUp() {
        engine = new ImageEngine();
        inputs = Fixtures.inputs(engine);
    }

    static Stream<Arguments> matrix() {
        List<Arguments> args = new ArrayList<>();
        for (ImageFormat in : ImageFormat.values()) {
            for (ImageFormat out : ImageFormat.values()) {
                args.add(Arguments.of(in, out));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("matrix")
    void converts(ImageFormat in, ImageFormat out) {
        byte[] input = inputs.get(in);
        ImageInfo info = engine.probe(input, Fixtures.LIMITS);
        assertThat(info.format()).isEqualTo(in);
        assertThat(info.width()).isCloseTo(96, org.assertj.core.data.Offset.offset(1));
        assertThat(info.height()).isCloseTo(64, org.assertj.core.data.Offset.offset(1));

        EngineResult r = engine.convert(input, Fixtures.spec(out, 48, 48));
        assertThat(r.format()).isEqualTo(out);
        assertThat(r.width()).isEqualTo(48);
        assertThat(r.height()).isCloseTo(32, org.assertj.core.data.Offset.offset(1));
        Fixtures.assertDecodes(out, r.bytes(), r.width(), r.height());
    }
}
