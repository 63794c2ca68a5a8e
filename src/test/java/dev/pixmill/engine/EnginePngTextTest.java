package dev.pixmill.engine;

import static dev.pixmill.engine.Fixtures.latin1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pixmill.engine.pipeline.PipelineContext;
import dev.pixmill.engine.pipeline.PngTextChunks;
import dev.pixmill.engine.pipeline.Steps;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decompression bombs in PNG text chunks: forty zTXt/iTXt chunks of 7.6 KB, each inflating to
 * 7.9 MB (just under libpng's 8 MB chunk limit), cost 1.2 GB and 14 s before they were dropped.
 */
class EnginePngTextTest {

    static final int INFLATED = 7_900_000;
    static final int CHUNKS = 40;

    static ImageEngine engine;
    static byte[] png;

    @BeforeAll
    static void setUp() {
        engine = new ImageEngine();
        png = Fixtures.png(Fixtures.base(Fixtures.W, Fixtures.H));
    }

    static byte[] bomb(boolean itxt) {
        byte[] text = new byte[INFLATED];
        java.util.Arrays.fill(text, (byte) 'a');
        byte[] chunk = itxt
                ? Fixtures.pngChunk("iTXt", Fixtures.concat(latin1("Comment\0\1\0en\0\0"), Fixtures.deflate(text)))
                : Fixtures.zTXt(latin1("Comment"), text);
        byte[][] chunks = new byte[CHUNKS][];
        java.util.Arrays.fill(chunks, chunk);
        return Fixtures.pngWith(png, chunks);
    }

    /** Resets the peak RSS to the current RSS (Linux clear_refs 5), so a later peak is this test's own. */
    static void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException e) {
            // an older kernel: the peak then includes earlier tests, which only makes the bound stricter
        }
    }

    @ParameterizedTest(name = "iTXt={0}")
    @ValueSource(booleans = {false, true})
    void textBombIsDroppedBeforeLibvipsInflatesIt(boolean itxt) {
        byte[] input = bomb(itxt);
        assertThat(input.length).isLessThan(400_000);
        for (boolean keep : new boolean[] {false, true}) {
            System.gc();
            resetPeak();
            long before = Fixtures.rssKb();
            long t0 = System.nanoTime();
            EngineResult r = engine.convert(input, Fixtures.spec(ImageFormat.WEBP, null, null, keep));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long grewMb = (Fixtures.peakRssKb() - before) / 1024;
            System.out.printf("PNG text bomb (%s, keep=%s): peak RSS +%d MB, %d ms%n", itxt ? "iTXt" : "zTXt", keep,
                    grewMb, ms);
            Fixtures.assertDecodes(ImageFormat.WEBP, r.bytes(), Fixtures.W, Fixtures.H);
            assertThat(grewMb).as("peak RSS growth, MB").isLessThan(100);
            assertThat(ms).isLessThan(2_000);
        }
    }

    @Test
    void theUploadProbeDropsTheTextBombToo() {
        byte[] input = bomb(false);
        System.gc();
        resetPeak();
        long before = Fixtures.rssKb();
        ImageInfo info = engine.probe(input, Fixtures.LIMITS);
        long grewMb = (Fixtures.peakRssKb() - before) / 1024;
        assertThat(info.width()).isEqualTo(Fixtures.W);
        assertThat(grewMb).as("peak RSS growth of the header read, MB").isLessThan(100);
    }

    /** The bytes libvips is given after the PNG text step. */
    static byte[] afterTextStep(byte[] input, boolean keepMetadata) {
        try (PipelineContext ctx = new PipelineContext(input, Fixtures.spec(ImageFormat.PNG, null, null, keepMetadata),
                Fixtures.LIMITS, Duration.ofSeconds(60), null, null)) {
            new Steps.Sniff().run(ctx);
            new PngTextChunks().run(ctx);
            return ctx.nativeInput().toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @Test
    void keptTextStaysWithinItsBudget() {
        List<byte[]> chunks = new ArrayList<>();
        // XMP within the budget, a 2 MB comment over it, then more comments than are kept
        chunks.add(Fixtures.iTXt("XML:com.adobe.xmp", Fixtures.xmpPacket("small"), false));
        chunks.add(Fixtures.zTXt(latin1("Huge"), new byte[2 << 20]));
        for (int i = 0; i < 100; i++) {
            chunks.add(Fixtures.tEXt(latin1("Comment"), latin1("c" + i)));
        }
        byte[] input = Fixtures.pngWith(png, chunks.toArray(byte[][]::new));
        List<String> fields = Fixtures.vipsFields(input);
        assertThat(fields).contains("xmp-data").anyMatch(f -> f.endsWith("-Huge"));

        byte[] kept = afterTextStep(input, true);
        List<String> keptFields = Fixtures.vipsFields(kept);
        assertThat(keptFields).contains("xmp-data").noneMatch(f -> f.endsWith("-Huge"));
        // 64 chunks kept in all: the XMP and 63 comments (libvips itself reads no more than 50)
        assertThat(new String(kept, StandardCharsets.ISO_8859_1).split("tEXtComment", -1)).hasSize(63 + 1);
        Fixtures.assertDecodes(ImageFormat.PNG, kept, Fixtures.W, Fixtures.H);

        byte[] stripped = afterTextStep(input, false);
        assertThat(Fixtures.vipsFields(stripped)).noneMatch(f -> f.startsWith("png-comment-") || f.equals("xmp-data"));
        assertThat(new String(stripped, StandardCharsets.ISO_8859_1)).doesNotContain("tEXt", "zTXt", "iTXt");
        Fixtures.assertDecodes(ImageFormat.PNG, stripped, Fixtures.W, Fixtures.H);
    }

    @Test
    void aPngWithoutTextOrWithABrokenChunkListIsPassedAsItIs() {
        assertThat(afterTextStep(png, false)).isEqualTo(png);
        byte[] truncated = java.util.Arrays.copyOf(Fixtures.pngWith(png, Fixtures.tEXt(latin1("k"), latin1("v"))), 40);
        assertThat(afterTextStep(truncated, false)).isEqualTo(truncated);
    }
}
